'use strict';
// On an admin change form: leaving the page (a link, the back button,
// closing the tab) with changes not yet saved asks first. Saving, by any
// of the form's submit buttons, never asks.
(function() {
    var form = null;
    var saved = null;
    var submitting = false;
    // A form the server sent back with errors holds what was typed, not
    // what is saved.
    var unsavedFromTheStart = false;

    // What a field holds, the editors' source textareas aside (CKEditor
    // writes into them only as the form is sent: checkDirty() says).
    function fieldValues() {
        var values = [];
        Array.prototype.forEach.call(form.elements, function(field) {
            if (!field.name || field.name === 'csrfmiddlewaretoken' || field.disabled) {
                return;
            }
            if (/^(submit|button|reset|image)$/.test(field.type)) {
                return;
            }
            if (window.CKEDITOR && CKEDITOR.instances[field.id]) {
                return;
            }
            var value;
            if (field.type === 'checkbox' || field.type === 'radio') {
                value = field.checked;
            } else if (field.type === 'file') {
                value = Array.prototype.map.call(field.files, function(file) {
                    return file.name + ':' + file.size;
                }).join('|');
            } else if (field.multiple) {
                value = Array.prototype.filter.call(field.options, function(option) {
                    return option.selected;
                }).map(function(option) {
                    return option.value;
                }).join('|');
            } else {
                value = field.value;
            }
            values.push([field.name, value]);
        });
        return JSON.stringify(values);
    }

    function editorsChanged() {
        if (!window.CKEDITOR) {
            return false;
        }
        return Object.keys(CKEDITOR.instances).some(function(name) {
            var editor = CKEDITOR.instances[name];
            return editor.status === 'ready' && editor.checkDirty();
        });
    }

    function hasUnsavedChanges() {
        return unsavedFromTheStart || fieldValues() !== saved || editorsChanged();
    }

    function start() {
        // Change forms only: ticking rows of a list to act on is no work lost.
        if (!document.body.classList.contains('change-form')) {
            return;
        }
        form = document.querySelector('#content-main form[method="post" i]');
        if (!form) {
            return;
        }
        unsavedFromTheStart = !!document.querySelector('.errornote, .errorlist');
        saved = fieldValues();
        form.addEventListener('submit', function() {
            submitting = true;
        });
        window.addEventListener('beforeunload', function(event) {
            if (submitting || !hasUnsavedChanges()) {
                return;
            }
            event.preventDefault();
            // Older browsers ask only when this is set.
            event.returnValue = '';
        });
        // Back from the browser's cache after leaving: the form is as it was.
        window.addEventListener('pageshow', function(event) {
            if (event.persisted) {
                submitting = false;
            }
        });
    }

    // After the admin's own scripts have filled in what they fill in.
    if (document.readyState === 'complete') {
        start();
    } else {
        window.addEventListener('load', start);
    }
})();
