'use strict';
// The image browser CKEditor opens from the image dialog: a click on a
// picture hands its address to the dialog and closes the window.
(function() {
    var funcNum = new URLSearchParams(window.location.search).get('CKEditorFuncNum');
    var editor = window.opener && window.opener.CKEDITOR;
    if (!editor || !funcNum) {
        document.querySelector('.browse-no-editor').hidden = false;
        return;
    }
    document.addEventListener('click', function(event) {
        var picture = event.target.closest('button[data-url]');
        if (picture) {
            editor.tools.callFunction(Number(funcNum), picture.getAttribute('data-url'));
            window.close();
        }
    });
})();
