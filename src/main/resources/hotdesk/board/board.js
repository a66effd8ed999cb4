// hotdesk desk board: filter the tiles, keep them live over server-sent events, log desks out.
// No build step, no library. window.hotdeskBoard counts what happened, for people and browser tests.
(function () {
  'use strict';
  var state = { loadedAt: Date.now(), opens: 0, tileEvents: 0, refreshes: 0, arrivals: [] };
  window.hotdeskBoard = state;
  var tiles = document.getElementById('tiles');
  var filter = document.getElementById('filter');
  var live = document.getElementById('live');
  var count = document.getElementById('count');
  var message = document.getElementById('message');
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var source = null;

  function applyFilter() {
    var q = filter.value.trim().toLowerCase();
    var shown = 0;
    var all = tiles.children;
    for (var i = 0; i < all.length; i++) {
      var t = all[i];
      var hit = q === '' || t.dataset.label.indexOf(q) >= 0 || t.dataset.user.indexOf(q) >= 0 || t.dataset.site.indexOf(q) >= 0;
      t.hidden = !hit;
      if (hit) { shown++; }
    }
    count.textContent = shown + ' of ' + all.length + ' desks';
  }

  function fromHtml(html) {
    var holder = document.createElement('div');
    holder.innerHTML = html; // rendered and escaped by the server
    return holder.firstElementChild;
  }

  function refresh() {
    fetch('/board/tiles' + location.search, { credentials: 'same-origin' }).then(function (r) {
      if (r.status === 401) { location.href = '/signin'; return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null) { return; }
      tiles.innerHTML = html;
      state.refreshes++;
      applyFilter();
    }).catch(function () { /* the next reconnect tries again */ });
  }

  function connect() {
    source = new EventSource('/board/events' + location.search);
    source.addEventListener('hello', function () {
      state.opens++;
      live.textContent = 'live';
      live.className = 'live on';
      if (state.opens > 1) { refresh(); } // changes while we were away
    });
    source.addEventListener('tile', function (e) {
      var d = JSON.parse(e.data);
      var next = fromHtml(d.html);
      var old = document.getElementById(d.id);
      if (old) { next.hidden = old.hidden; old.replaceWith(next); } else { tiles.appendChild(next); }
      state.tileEvents++;
      state.arrivals.push({ id: d.id, at: Date.now(), occupied: next.classList.contains('occupied') });
      if (state.arrivals.length > 200) { state.arrivals.shift(); }
      applyFilter();
    });
    source.addEventListener('gone', function (e) {
      var old = document.getElementById(JSON.parse(e.data).id);
      if (old) { old.remove(); }
      applyFilter();
    });
    source.onerror = function () {
      live.textContent = 'reconnecting…';
      live.className = 'live off';
      if (source.readyState === EventSource.CLOSED) {
        // refused (signed out, or the server answered an error while starting): ask again shortly
        source = null;
        fetch('/board/tiles', { credentials: 'same-origin' }).then(function (r) {
          if (r.status === 401) { location.href = '/signin'; }
        }).catch(function () { });
        setTimeout(connect, 1000);
      }
    };
  }

  tiles.addEventListener('click', function (e) {
    var b = e.target.closest('button.logout');
    if (!b) { return; }
    if (!window.confirm('Log ' + b.dataset.who + ' out of ' + b.dataset.label + '?')) { return; }
    fetch('/board/desks/' + encodeURIComponent(b.dataset.desk) + '/logout', {
      method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf }
    }).then(function (r) {
      return r.json().then(function (j) { message.textContent = b.dataset.label + ': ' + j.result; });
    }).catch(function () { message.textContent = 'logout failed: no answer from hotdesk'; });
  });

  filter.addEventListener('input', applyFilter);
  applyFilter();
  connect();
})();
