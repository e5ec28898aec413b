'use strict';
// CKEditor 4's Vietnamese leaves these strings in English, and its upload
// widget has no Vietnamese at all: fill them in for every editor.
(function() {
    var VI = {
        clipboard: {
            pasteNotification: 'Nhấn %1 để dán. Trình duyệt của bạn không cho dán bằng nút trên thanh công cụ hay menu chuột phải.',
            pasteMsg: 'Dán nội dung vào ô dưới đây rồi bấm Đồng ý.',
            fileFormatNotSupportedNotification: 'Không hỗ trợ tệp định dạng ${formats}.',
            fileWithoutFormatNotSupportedNotification: 'Không hỗ trợ định dạng tệp này.'
        },
        pastetext: {
            pasteNotification: 'Nhấn %1 để dán. Trình duyệt của bạn không cho dán bằng nút trên thanh công cụ hay menu chuột phải.'
        },
        uploadwidget: {
            abort: 'Đã hủy tải lên.',
            doneOne: 'Đã tải tệp lên.',
            doneMany: 'Đã tải lên %1 tệp.',
            uploadOne: 'Đang tải tệp lên ({percentage}%)...',
            uploadMany: 'Đang tải tệp lên: xong {current}/{max} ({percentage}%)...'
        },
        link: {
            displayText: 'Chữ hiển thị',
            phoneNumber: 'Số điện thoại',
            noTel: 'Vui lòng nhập số điện thoại',
            download: 'Buộc tải xuống'
        },
        table: {heightUnit: 'đơn vị chiều cao'},
        notification: {closed: 'Đã đóng thông báo.'}
    };
    function translate(editor) {
        var lang = editor.lang;
        Object.keys(VI).forEach(function(group) {
            lang[group] = Object.assign(lang[group] || {}, VI[group]);
        });
        if (lang.table && lang.table.cell) {
            lang.table.cell.columnHeader = 'Tiêu đề cột';
            lang.table.cell.rowHeader = 'Tiêu đề hàng';
        }
    }
    // The admin may load this before ckeditor.js: wait for the page.
    document.addEventListener('DOMContentLoaded', function() {
        if (!window.CKEDITOR) {
            return;
        }
        CKEDITOR.on('instanceLoaded', function(event) {
            translate(event.editor);
        });
        Object.keys(CKEDITOR.instances).forEach(function(name) {
            var editor = CKEDITOR.instances[name];
            if (editor.lang && editor.lang.clipboard) {
                translate(editor);
            }
        });
    });
})();
