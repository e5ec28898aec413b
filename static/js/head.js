// Loaded without defer, before the page is drawn, so nothing jumps: marks
// that scripts run (the JS-only buttons show) and applies the text size the
// reader chose (site.js keeps it).
(function (root) {
    root.classList.add('js');
    try {
        var size = localStorage.getItem('wardnews.textSize');
        if (/^-?[1-3]$/.test(size)) root.setAttribute('data-text-size', size);
    } catch (e) { /* Storage refused (private mode): the default size. */ }
})(document.documentElement);
