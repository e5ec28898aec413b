'use strict';
// Django's admin makes slugs with URLify, which drops Vietnamese marks it
// does not know and turns "đ" into "dj". Ours matches vietnamese/text.py:
// "Công tác Đảng" -> "cong-tac-dang". Replaced once the page has loaded, so it
// wins over admin/js/urlify.js whatever order the scripts come in.
window.addEventListener('DOMContentLoaded', function() {
    window.URLify = function(s, numChars) {
        s = s.replace(/đ/g, 'd').replace(/Đ/g, 'D');
        s = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
        s = s.toLowerCase().replace(/[^-\w\s]/g, '').trim();
        s = s.replace(/[-\s]+/g, '-').substring(0, numChars);
        return s.replace(/-+$/g, '');
    };
});
