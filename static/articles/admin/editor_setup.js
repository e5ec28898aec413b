'use strict';
// What richtext/editor.py's settings cannot say: links and pictures keep
// to the URL schemes saving keeps; pasted alignment becomes the Justify
// buttons' classes; a picture pasted or dropped into the text goes up before
// image2 takes it in; the image dialog uploads a picture as soon as it is
// picked, in its only tab, and a new caption's prompt is typed over.
(function() {
    // "javascript:", "data:"… as a browser reads them: entities decoded,
    // control characters and spaces ignored.
    function scheme(url) {
        var decoder = document.createElement('textarea');
        decoder.innerHTML = url;
        // eslint-disable-next-line no-control-regex
        var match = /^([a-z][a-z0-9+.-]*):/i.exec(decoder.value.replace(/[\u0000-\u0020]/g, ''));
        return match ? match[1].toLowerCase() : '';
    }

    function keepSafeUrls(editor) {
        var schemes = editor.config.wardnewsUrlSchemes || [];
        function rules(isInput) {
            function check(value, element) {
                var found = scheme(value);
                // A picture pasted as data, in the editor only while it goes up.
                var uploading = isInput && found === 'data' &&
                    element.attributes['data-cke-upload-id'] !== undefined;
                return !found || uploading || schemes.indexOf(found) !== -1 ? value : false;
            }
            var attributes = {};
            ['href', 'src', 'data-cke-saved-href', 'data-cke-saved-src'].forEach(function(name) {
                attributes[name] = check;
            });
            return {attributes: attributes};
        }
        // On the way in (loaded, pasted) and out (saved, source view).
        editor.dataProcessor.dataFilter.addRules(rules(true), {applyToAll: true});
        editor.dataProcessor.htmlFilter.addRules(rules(false), {applyToAll: true});
    }

    // The image2 bundled with django-ckeditor predates uploadimage and takes
    // every <img> as its own, the placeholder of a picture still going up
    // too, which then never turns into the uploaded picture.
    function leaveUploadsToUploadimage(editor) {
        editor.on('pluginsLoaded', function() {
            // The placeholder's name for its widget, which the content filter
            // (the allow-list, in full) would drop; never saved.
            editor.filter.allow('img[data-widget]', 'uploadimage', true);
        });
        editor.on('widgetDefinition', function(event) {
            var definition = event.data;
            if (definition.name !== 'image' || typeof definition.upcast !== 'function') {
                return;
            }
            var upcast = definition.upcast;
            definition.upcast = function(element) {
                if (element.attributes && element.attributes['data-cke-upload-id'] !== undefined) {
                    return false;
                }
                return upcast.apply(this, arguments);
            };
        });
    }

    // Centred or right-aligned text pasted from Word or Google Docs keeps
    // its alignment, as the class the Justify buttons set (saving does the
    // same in richtext/sanitize.py).
    function alignmentAsClasses(editor) {
        var classes = editor.config.justifyClasses;
        var values = ['left', 'center', 'right', 'justify'];
        var blocks = ['p', 'h2', 'h3', 'h4', 'li', 'td', 'th'];
        editor.filter.addTransformations(blocks.map(function(name) {
            return [{
                element: name,
                left: function(element) {
                    return values.indexOf(element.styles['text-align']) !== -1;
                },
                right: function(element) {
                    var align = classes[values.indexOf(element.styles['text-align'])];
                    delete element.styles['text-align'];
                    var aligned = element.classes.some(function(name) {
                        return classes.indexOf(name) !== -1;
                    });
                    if (!aligned) {
                        element.classes.push(align);
                    }
                }
            }];
        }));
    }

    // image2 writes its caption placeholder into the caption itself: a
    // caption never typed over is saved empty rather than as the prompt.
    function dropUntypedCaptions(editor) {
        editor.dataProcessor.htmlFilter.addRules({
            elements: {
                figcaption: function(element) {
                    if (element.getHtml().trim() === editor.lang.image2.captionPlaceholder) {
                        element.setHtml('');
                    }
                }
            }
        });
    }

    // Once a captioned picture is in, its caption prompt is selected:
    // typing replaces it.
    function selectCaptionPrompt(editor) {
        var widget = editor.widgets.focused;
        var caption = widget && widget.editables && widget.editables.caption;
        if (caption && caption.getText().trim() === editor.lang.image2.captionPlaceholder) {
            caption.focus();
            var range = editor.createRange();
            range.selectNodeContents(caption);
            range.select();
        }
    }

    var UPLOAD_STATUS = '<div class="editor-upload-status" role="status" aria-live="polite"></div>';

    function setStatus(dialog, text, isError) {
        var element = dialog.getContentElement('info', 'uploadStatus').getElement();
        element.setText(text);
        element[isError ? 'addClass' : 'removeClass']('editor-upload-error');
    }

    function upload(dialog, file) {
        var editor = dialog.getParentEditor();
        // Drag and drop's own way up: the same URL, checks and answers.
        var loader = editor.uploadRepository.create(file);
        setStatus(dialog, 'Đang tải ảnh lên…');
        loader.on('uploaded', function() {
            dialog.setValueOf('info', 'src', loader.url);
            setStatus(dialog, 'Đã tải ảnh lên. Hãy mô tả ảnh, chọn “Có chú thích dưới ảnh” nếu cần, rồi bấm “Đồng ý”.');
            dialog.getContentElement('info', 'alt').focus();
        });
        loader.on('error', function() {
            setStatus(dialog, loader.message || 'Không tải được ảnh lên.', true);
        });
        loader.on('abort', function() {
            setStatus(dialog, 'Đã hủy tải ảnh lên.', true);
        });
        loader.loadAndUpload(CKEDITOR.fileTools.getUploadUrl(editor.config, 'image'));
    }

    function simplifyImageDialog(definition) {
        var info = definition.getContents('info');
        info.elements.unshift({
            type: 'file',
            id: 'upload',
            label: 'Tải ảnh từ máy tính lên (JPG, PNG, GIF hoặc WebP)',
            // Never submitted: the picked file goes up by upload() instead.
            onChange: function() {
                var files = this.getInputElement().$.files;
                if (files && files.length) {
                    upload(this.getDialog(), files[0]);
                }
            }
        }, {type: 'html', id: 'uploadStatus', html: UPLOAD_STATUS});
        info.get('src').label = 'Hoặc địa chỉ của ảnh (URL)';
        var browse = info.get('browse');
        if (browse) {
            browse.label = 'Chọn ảnh đã tải lên';
        }
    }

    function setup(editor) {
        keepSafeUrls(editor);
        alignmentAsClasses(editor);
        dropUntypedCaptions(editor);
    }

    // A picture as wide as the text, not as its file: a phone photo would
    // spill out of the editor and push its caption out of sight.
    if (window.CKEDITOR) {
        CKEDITOR.addCss('img { max-width: 100%; height: auto; }');
    }

    document.addEventListener('DOMContentLoaded', function() {
        if (!window.CKEDITOR) {
            return;
        }
        CKEDITOR.on('dialogDefinition', function(event) {
            if (event.data.name === 'link') {
                // Only what saving keeps: an ftp:// or news:// link would
                // reach readers as plain text.
                var protocol = event.data.definition.getContents('info').get('protocol');
                if (protocol) {
                    protocol.items = protocol.items.filter(function(item) {
                        return item[1] !== 'ftp://' && item[1] !== 'news://';
                    });
                    protocol['default'] = 'https://';
                }
            }
            if (event.data.name === 'image2') {
                var editor = event.editor;
                simplifyImageDialog(event.data.definition);
                event.data.dialog.on('ok', function() {
                    setTimeout(function() {
                        selectCaptionPrompt(editor);
                    }, 0);
                });
                // Showing the dialog writes the file field's form anew.
                event.data.dialog.on('show', function() {
                    setStatus(this, '');
                    var input = this.getContentElement('info', 'upload').getInputElement();
                    input.setAttribute('accept', 'image/jpeg,image/png,image/gif,image/webp');
                    input.getParent().on('submit', function(submit) {
                        submit.data.preventDefault();
                    });
                });
            }
        });
        // Before its plugins start, and before the editor loads the body it
        // edits.
        function watch(editor) {
            if (editor.status === 'unloaded') {
                leaveUploadsToUploadimage(editor);
                editor.on('pluginsLoaded', function() {
                    setup(editor);
                });
            } else {
                setup(editor);
            }
        }
        CKEDITOR.on('instanceCreated', function(event) {
            watch(event.editor);
        });
        Object.keys(CKEDITOR.instances).forEach(function(name) {
            watch(CKEDITOR.instances[name]);
        });
    });
})();
