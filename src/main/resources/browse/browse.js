// The browse pages work without this script; with it, the filter narrows the list as one types, and the copy buttons
// copy. Loaded from the server itself: the pages allow no other script.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function filterAsYouType() {
    var input = document.getElementById('q');
    var table = document.getElementById('packages');
    if (!input || !table) {
      return;
    }
    var rows = table.tBodies[0].rows;
    var shown = document.getElementById('shown');
    var none = document.getElementById('none');
    var total = rows.length;
    function apply() {
      var wanted = input.value.trim().toLowerCase();
      var count = 0;
      for (var i = 0; i < rows.length; i++) {
        var match = wanted === '' || rows[i].getAttribute('data-name').indexOf(wanted) >= 0;
        // Only rows that change are touched: 10,000 rows stay quick to filter.
        if (rows[i].hidden === match) {
          rows[i].hidden = !match;
        }
        if (match) {
          count++;
        }
      }
      shown.textContent = wanted === '' ? '' : count + ' of ' + total + ' match';
      none.hidden = count > 0;
      var url = wanted === '' ? location.pathname : location.pathname + '?q=' + encodeURIComponent(input.value.trim());
      history.replaceState(null, '', url);
    }
    input.addEventListener('input', apply);
    // A list the server already filtered holds only the matches: typing then filters those, and the form asks again.
    if (!new URLSearchParams(location.search).has('q')) {
      apply();
    }
  }

  function copy(text, button) {
    function done(ok) {
      var label = button.textContent;
      button.textContent = ok ? 'Copied' : 'Select and copy';
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(text)); });
    } else {
      done(fallback(text));
    }
  }

  // Plain HTTP on another host is not a secure context: no clipboard API, but a selection can still be copied.
  function fallback(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copyButtons() {
    document.addEventListener('click', function (event) {
      var button = event.target.closest('button.copy');
      if (!button) {
        return;
      }
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (source) {
        copy(source.textContent, button);
      }
    });
  }

  function start() {
    filterAsYouType();
    copyButtons();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
