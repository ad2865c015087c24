/* The one way the owners' pages call the API: session cookie, the page's CSRF token, and every
   answer (JSON, problem+json or text) as {status, ok, data}; no connection is status 0. */
(function () {
  'use strict';

  var API = '/api/v1';

  function request(method, path, body, contentType) {
    var csrf = document.querySelector('meta[name="csrf-token"]').content;
    var headers = { 'Accept': 'application/json, application/problem+json' };
    if (method !== 'GET') headers['X-CSRFToken'] = csrf;
    if (body !== undefined && contentType === undefined) {
      body = JSON.stringify(body);
      contentType = 'application/json';
    }
    if (body !== undefined) headers['Content-Type'] = contentType;
    return fetch(API + path, { method: method, headers: headers, body: body, credentials: 'same-origin' })
      .then(function (res) {
        var type = res.headers.get('Content-Type') || '';
        var parse = type.indexOf('json') >= 0 ? res.json() : res.text();
        return parse.then(function (data) { return { status: res.status, ok: res.ok, data: data }; });
      }, function () {
        return { status: 0, ok: false, data: { detail: 'Der Server ist nicht erreichbar.' } };
      });
  }

  window.KimApi = { request: request };
})();
