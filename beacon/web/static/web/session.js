// The session-timeout warning (GOV.UK's timeout-warning pattern). The page says how long the
// session has left (body data-session-expires-in, seconds) and when to warn
// (data-session-warning). Before warning it asks /session/ (another tab may have kept the
// session alive); "Stay signed in" (or Escape) posts the dialog's form to the keep-alive page.
// No inline script: the Content-Security-Policy forbids them.
(function () {
  'use strict';
  var body = document.body;
  var dialog = document.getElementById('beacon-timeout');
  if (!dialog || typeof dialog.showModal !== 'function' || !body.dataset.sessionExpiresIn) return;
  var statusUrl = body.dataset.sessionUrl;
  var warningMs = Number(body.dataset.sessionWarning) * 1000;
  var endsAt = Date.now() + Number(body.dataset.sessionExpiresIn) * 1000;
  var form = dialog.querySelector('form');
  var countdown = dialog.querySelector('.beacon-timeout__countdown');
  var warning = dialog.querySelector('.beacon-timeout__warning');
  var ended = dialog.querySelector('.beacon-timeout__ended');
  var timer = null;
  var ticker = null;

  function words(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? ' minute' : ' minutes');
    }
    return seconds + (seconds === 1 ? ' second' : ' seconds');
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, endsAt - warningMs - Date.now()));
  }

  function check() {
    fetch(statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (!s.signed_in) { signedOut(); return; }
        endsAt = Date.now() + s.expires_in * 1000;
        if (endsAt - Date.now() > warningMs + 2000) schedule(); else open();
      })
      .catch(open);
  }

  function tick() {
    var left = endsAt - Date.now();
    if (left <= 0) { signedOut(); return; }
    countdown.textContent = words(left);
  }

  function open() {
    tick();
    if (!dialog.open) dialog.showModal();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
  }

  function close() {
    clearInterval(ticker);
    if (dialog.open) dialog.close();
  }

  function signedOut() {
    clearInterval(ticker);
    clearTimeout(timer);
    warning.hidden = true;
    ended.hidden = false;
    dialog.setAttribute('aria-labelledby', 'beacon-timeout-ended-title');
    dialog.removeAttribute('aria-describedby');
    if (!dialog.open) dialog.showModal();
    ended.querySelector('a').focus();
  }

  function stay() {
    fetch(form.action, {
      method: 'POST', body: new FormData(form), credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (s) {
        if (!s.signed_in) { signedOut(); return; }
        endsAt = Date.now() + s.expires_in * 1000;
        close();
        schedule();
      })
      .catch(refresh);
  }

  // The keep-alive post failed (its token is out of date after signing in again in another
  // tab, or the network): never leave the page (it may hold typed entries); ask how the
  // session stands instead.
  function refresh() {
    fetch(statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (!s.signed_in) { signedOut(); return; }
        endsAt = Date.now() + s.expires_in * 1000;
        close();
        schedule();
      })
      .catch(function () { close(); schedule(); });
  }

  form.addEventListener('submit', function (event) { event.preventDefault(); stay(); });
  dialog.addEventListener('cancel', function (event) {
    event.preventDefault();  // Escape: stay signed in (still signed in) or close the notice
    if (ended.hidden) stay(); else close();
  });
  ended.querySelector('.beacon-timeout__close').addEventListener('click', close);
  schedule();
})();
