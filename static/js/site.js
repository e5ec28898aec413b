'use strict';
// Everything here only adds to pages that work without it.
document.addEventListener('DOMContentLoaded', function() {
    var root = document.documentElement;

    // The header's search: opening it puts the cursor in the field; Escape
    // closes it again.
    var search = document.querySelector('.header-search');
    if (search) {
        search.addEventListener('toggle', function() {
            if (search.open) search.querySelector('input').focus();
        });
        search.addEventListener('keydown', function(event) {
            if (event.key === 'Escape' && search.open) {
                search.open = false;
                search.querySelector('summary').focus();
            }
        });
    }

    // Text size: A− / A / A+, remembered in this browser (head.js applies it
    // on the next pages before they are drawn).
    var SMALLEST = -1, LARGEST = 3, KEY = 'wardnews.textSize';
    var sizeButtons = document.querySelectorAll('[data-text-size]');
    function textSize() {
        return parseInt(root.getAttribute('data-text-size') || '0', 10);
    }
    function showTextSize() {
        var size = textSize();
        // aria-disabled, not disabled: the button keeps the keyboard's focus.
        sizeButtons.forEach(function(button) {
            var step = button.getAttribute('data-text-size');
            var spent = (step === '-1' && size <= SMALLEST) ||
                (step === '+1' && size >= LARGEST) || (step === '0' && size === 0);
            button.setAttribute('aria-disabled', spent ? 'true' : 'false');
        });
    }
    sizeButtons.forEach(function(button) {
        button.addEventListener('click', function() {
            var step = button.getAttribute('data-text-size');
            var size = step === '0' ? 0 : textSize() + parseInt(step, 10);
            size = Math.max(SMALLEST, Math.min(LARGEST, size));
            if (size) root.setAttribute('data-text-size', String(size));
            else root.removeAttribute('data-text-size');
            try {
                if (size) localStorage.setItem(KEY, String(size));
                else localStorage.removeItem(KEY);
            } catch (e) { /* Not remembered, but applied to this page. */ }
            showTextSize();
        });
    });
    showTextSize();

    // Share: the phone's own share sheet (Zalo, Facebook, Messenger…) where
    // there is one; elsewhere the link is copied.
    var status = document.querySelector('[data-share-status]');
    function say(message) {
        if (status) status.textContent = message;
    }
    function copyLink(url) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(url).catch(function() {
                return copyWithSelection(url);
            });
        }
        return copyWithSelection(url);
    }
    // Older browsers, and sites served over plain HTTP, have no clipboard
    // API: copy from a hidden field instead.
    function copyWithSelection(url) {
        var field = document.createElement('textarea');
        field.value = url;
        field.setAttribute('readonly', '');
        field.style.position = 'fixed';
        field.style.opacity = '0';
        document.body.appendChild(field);
        field.select();
        var copied = false;
        try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
        document.body.removeChild(field);
        return copied ? Promise.resolve() : Promise.reject(new Error('copy'));
    }
    document.querySelectorAll('[data-share]').forEach(function(button) {
        button.addEventListener('click', function() {
            var url = button.getAttribute('data-share');
            var title = button.getAttribute('data-share-title') || document.title;
            say('');
            if (navigator.share) {
                navigator.share({title: title, url: url}).catch(function(error) {
                    // The reader closed the share sheet: nothing to do.
                    if (error && error.name === 'AbortError') return;
                    copyAndSay(url);
                });
            } else {
                copyAndSay(url);
            }
        });
    });
    function copyAndSay(url) {
        copyLink(url).then(function() {
            say('Đã sao chép liên kết. Hãy dán vào Zalo, Facebook hoặc tin nhắn để chia sẻ.');
        }, function() {
            say('Không sao chép được. Liên kết bài viết: ' + url);
        });
    }

    document.querySelectorAll('[data-print]').forEach(function(button) {
        button.addEventListener('click', function() { window.print(); });
    });
});
