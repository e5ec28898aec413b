'use strict';
// CKEditor 4's Vietnamese leaves some strings in English, words others
// awkwardly ("Heading 2", "Canh trái", an image's alt text called its
// caption) and has none for the upload widget: ours, for every editor.
(function() {
    var VI = {
        // The editing area's name for screen readers ("…, id_body" else).
        editor: 'Nội dung bài viết',
        removeformat: {toolbar: 'Xóa định dạng'},
        common: {
            editorHelp: 'Nhấn ALT + 0 để xem hướng dẫn',
            url: 'Địa chỉ (URL)',
            browseServer: 'Chọn tệp đã tải lên',
            cancel: 'Hủy',
            align: 'Căn lề',
            alignNone: 'Không căn',
            alignLeft: 'Căn trái',
            alignCenter: 'Căn giữa',
            center: 'Căn giữa',
            alignRight: 'Căn phải',
            justify: 'Căn đều hai bên',
            generalTab: 'Chung',
            advancedTab: 'Nâng cao'
        },
        format: {
            label: 'Kiểu đoạn',
            panelTitle: 'Kiểu đoạn',
            tag_p: 'Đoạn văn',
            tag_h2: 'Tiêu đề lớn',
            tag_h3: 'Tiêu đề vừa',
            tag_h4: 'Tiêu đề nhỏ'
        },
        list: {
            numberedlist: 'Danh sách đánh số',
            bulletedlist: 'Danh sách gạch đầu dòng'
        },
        indent: {
            indent: 'Tăng mức thụt lề',
            outdent: 'Giảm mức thụt lề'
        },
        undo: {undo: 'Hoàn tác', redo: 'Làm lại'},
        blockquote: {toolbar: 'Trích dẫn'},
        horizontalrule: {toolbar: 'Đường kẻ ngang'},
        pastefromword: {toolbar: 'Dán từ Word', title: 'Dán từ Word'},
        pastetext: {
            button: 'Dán chữ không kèm định dạng',
            title: 'Dán chữ không kèm định dạng',
            pasteNotification: 'Nhấn %1 để dán. Trình duyệt của bạn không cho dán bằng nút trên thanh công cụ hay menu chuột phải.'
        },
        toolbar: {toolbarExpand: 'Mở rộng thanh công cụ'},
        contextmenu: {options: 'Các lựa chọn khác'},
        clipboard: {
            pasteNotification: 'Nhấn %1 để dán. Trình duyệt của bạn không cho dán bằng nút trên thanh công cụ hay menu chuột phải.',
            pasteMsg: 'Dán nội dung vào ô dưới đây rồi bấm Đồng ý.',
            fileFormatNotSupportedNotification: 'Không hỗ trợ tệp định dạng ${formats}.',
            fileWithoutFormatNotSupportedNotification: 'Không hỗ trợ định dạng tệp này.'
        },
        uploadwidget: {
            abort: 'Đã hủy tải lên.',
            doneOne: 'Đã tải tệp lên.',
            doneMany: 'Đã tải lên %1 tệp.',
            uploadOne: 'Đang tải tệp lên ({percentage}%)...',
            uploadMany: 'Đang tải tệp lên: xong {current}/{max} ({percentage}%)...'
        },
        widget: {label: '%1', move: 'Bấm giữ và kéo để di chuyển'},
        image2: {
            title: 'Ảnh',
            menu: 'Sửa ảnh',
            infoTab: 'Ảnh',
            alt: 'Mô tả ảnh cho người không xem được ảnh (ảnh chụp gì)',
            captioned: 'Có chú thích dưới ảnh (gõ chú thích ngay dưới ảnh trong bài)',
            captionPlaceholder: 'Gõ chú thích ảnh vào đây',
            lockRatio: 'Giữ tỷ lệ',
            urlMissing: 'Hãy tải ảnh lên hoặc nhập địa chỉ của ảnh.',
            pathName: 'ảnh',
            pathNameCaption: 'chú thích ảnh'
        },
        link: {
            title: 'Liên kết',
            info: 'Liên kết',
            menu: 'Sửa liên kết',
            toolbar: 'Chèn hoặc sửa liên kết',
            unlink: 'Bỏ liên kết',
            type: 'Liên kết tới',
            toUrl: 'Trang web (URL)',
            toEmail: 'Địa chỉ thư điện tử',
            toPhone: 'Số điện thoại',
            toAnchor: 'Một vị trí trong bài',
            noUrl: 'Hãy nhập địa chỉ trang web (URL).',
            noEmail: 'Hãy nhập địa chỉ thư điện tử.',
            emailSubject: 'Tiêu đề thư',
            emailBody: 'Nội dung thư',
            displayText: 'Chữ hiển thị',
            phoneNumber: 'Số điện thoại',
            noTel: 'Vui lòng nhập số điện thoại',
            download: 'Buộc tải xuống',
            anchor: {errorWhitespace: 'Tên điểm neo không được có dấu cách.'}
        },
        table: {
            toolbar: 'Bảng',
            title: 'Thuộc tính bảng',
            menu: 'Thuộc tính bảng',
            caption: 'Tên bảng (hiện phía trên bảng)',
            headers: 'Ô tiêu đề',
            headersNone: 'Không có',
            headersRow: 'Hàng đầu tiên',
            headersColumn: 'Cột đầu tiên',
            headersBoth: 'Hàng đầu tiên và cột đầu tiên',
            heightUnit: 'đơn vị chiều cao',
            cell: {
                insertBefore: 'Chèn ô phía trước',
                insertAfter: 'Chèn ô phía sau',
                merge: 'Gộp ô',
                mergeRight: 'Gộp với ô bên phải',
                mergeDown: 'Gộp với ô bên dưới',
                splitHorizontal: 'Chia ô theo chiều ngang',
                splitVertical: 'Chia ô theo chiều dọc',
                cellType: 'Loại ô',
                rowSpan: 'Số hàng gộp',
                colSpan: 'Số cột gộp',
                header: 'Ô tiêu đề',
                data: 'Ô nội dung',
                columnHeader: 'Tiêu đề cột',
                rowHeader: 'Tiêu đề hàng'
            }
        },
        notification: {closed: 'Đã đóng thông báo.'}
    };

    // Nested groups (table.cell, link.anchor) are merged, not replaced.
    function merge(target, strings) {
        Object.keys(strings).forEach(function(key) {
            var value = strings[key];
            if (typeof value === 'object') {
                target[key] = merge(target[key] || {}, value);
            } else {
                target[key] = value;
            }
        });
        return target;
    }

    // Before the plugins load, only CKEditor's own groups: a plugin whose
    // group is already there (image2) would not load its own strings.
    function translate(editor, ownOnly) {
        var strings = {};
        Object.keys(VI).forEach(function(group) {
            if (!ownOnly || group in editor.lang) {
                strings[group] = VI[group];
            }
        });
        merge(editor.lang, strings);
    }

    // CKEditor's own strings once they are loaded, before the toolbar is
    // built from them; the plugins' (image2's) once those are.
    function watch(editor) {
        if (editor.status !== 'unloaded') {
            translate(editor);
            return;
        }
        if (editor.lang) {
            translate(editor, true);
        } else {
            editor.on('langLoaded', function() {
                translate(editor, true);
            });
        }
        editor.on('pluginsLoaded', function() {
            translate(editor);
        });
    }

    // The admin may load this before ckeditor.js: wait for the page.
    document.addEventListener('DOMContentLoaded', function() {
        if (!window.CKEDITOR) {
            return;
        }
        CKEDITOR.on('instanceCreated', function(event) {
            watch(event.editor);
        });
        Object.keys(CKEDITOR.instances).forEach(function(name) {
            watch(CKEDITOR.instances[name]);
        });
    });
})();
