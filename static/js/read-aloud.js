'use strict';
// "Nghe bài viết" (templates/includes/read_aloud.html): reads the page's
// text aloud with the browser's own speech synthesis, in a Vietnamese
// voice. The button stays hidden unless the browser has such a voice: the
// list of voices often arrives after the page (the "voiceschanged" event).
(function() {
    var box = document.querySelector('[data-read-aloud]');
    var synth = window.speechSynthesis;
    if (!box || !synth || typeof synth.getVoices !== 'function') return;

    var play = box.querySelector('[data-read-aloud-play]');
    var stop = box.querySelector('[data-read-aloud-stop]');
    var label = box.querySelector('[data-read-aloud-label]');
    var status = box.querySelector('[data-read-aloud-status]');
    var LABELS = {idle: 'Nghe bài viết', speaking: 'Tạm dừng', paused: 'Đọc tiếp'};
    // Browsers cut long utterances short (Chrome after some 15 seconds):
    // the text is read a sentence or two at a time.
    var LONGEST = 200;
    var voice = null, parts = [], next = 0, state = 'idle', run = 0;

    function vietnameseVoice() {
        var voices = Array.prototype.filter.call(synth.getVoices() || [], function(v) {
            return /^vi([-_]|$)/i.test(v.lang || '');
        });
        // A voice on the device before one of the browser maker's servers,
        // and vi-VN before any other Vietnamese.
        voices.sort(function(a, b) {
            return rank(b) - rank(a);
        });
        return voices[0] || null;
    }
    function rank(v) {
        return (v.localService ? 2 : 0) + (/^vi[-_]VN$/i.test(v.lang) ? 1 : 0);
    }
    function lookForVoice() {
        voice = vietnameseVoice();
        if (voice) {
            box.hidden = false;
        } else if (state === 'idle') {
            box.hidden = true;
        }
    }

    function text() {
        var selector = box.getAttribute('data-read-aloud');
        var read = [];
        document.querySelectorAll(selector).forEach(function(element) {
            read.push(element.innerText);
        });
        return read.join('\n');
    }
    // Sentences (and lines: a title, a list item), one utterance each;
    // one too long is cut at a comma, else at a space.
    function split(all) {
        var out = [];
        all.replace(/([.!?…;:])\s+/g, '$1\n').split(/\n+/).forEach(function(piece) {
            piece = piece.replace(/\s+/g, ' ').trim();
            while (piece.length > LONGEST) {
                var cut = piece.lastIndexOf(', ', LONGEST);
                if (cut < LONGEST / 2) cut = piece.lastIndexOf(' ', LONGEST);
                if (cut < 1) cut = LONGEST;
                out.push(piece.slice(0, cut + 1).trim());
                piece = piece.slice(cut + 1).trim();
            }
            if (piece) out.push(piece);
        });
        return out;
    }

    function show(newState) {
        state = newState;
        label.textContent = LABELS[state];
        stop.hidden = state === 'idle';
    }
    function say(message) {
        status.textContent = message;
    }

    function speakFrom(index) {
        var mine = run;
        if (index >= parts.length) {
            show('idle');
            next = 0;
            return;
        }
        next = index;
        var utterance = new window.SpeechSynthesisUtterance(parts[index]);
        utterance.voice = voice;
        utterance.lang = voice.lang;
        utterance.onend = function() {
            if (mine === run) speakFrom(index + 1);
        };
        utterance.onerror = function(event) {
            if (mine !== run) return;  // Stopped or paused by the reader.
            run += 1;
            show('idle');
            say('Trình duyệt không đọc được bài viết (' + (event.error || 'lỗi') + ').');
        };
        synth.speak(utterance);
    }
    // Pausing cancels and remembers the sentence: the browsers' own
    // pause() does nothing on many phones.
    function silence() {
        run += 1;
        synth.cancel();
    }

    play.addEventListener('click', function() {
        say('');
        if (!voice) return;
        if (state === 'speaking') {
            silence();
            show('paused');
            return;
        }
        if (state === 'idle') {
            parts = split(text());
            next = 0;
        }
        silence();  // Anything another tab or page left speaking.
        show('speaking');
        speakFrom(next);
    });
    stop.addEventListener('click', function() {
        silence();
        next = 0;
        show('idle');
        play.focus();  // The stop button goes: the keyboard's place stays.
    });
    // Leaving the page stops the voice: it would read on over the next one.
    window.addEventListener('pagehide', function() {
        if (state !== 'idle') silence();
    });

    lookForVoice();
    if (typeof synth.addEventListener === 'function') {
        synth.addEventListener('voiceschanged', lookForVoice);
    }
})();
