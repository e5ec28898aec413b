'use strict';
// On a phone the category menu scrolls sideways: bring the current section
// into view, so a reader sees where they are.
document.addEventListener('DOMContentLoaded', function() {
    var current = document.querySelector('.site-nav [aria-current="page"]');
    var menu = current && current.closest('ul');
    if (menu && menu.scrollWidth > menu.clientWidth) {
        menu.scrollLeft = current.offsetLeft - (menu.clientWidth - current.offsetWidth) / 2;
    }
});
