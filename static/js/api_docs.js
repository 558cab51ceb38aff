// The API documentation page (/api/v1/docs/): Swagger UI on our OpenAPI schema. A static
// file, not inline: the Content-Security-Policy refuses inline scripts. "Try it out" calls
// the API with the session of the person signed in (the CSRF token is sent from the
// cookie, as the pages do) or with a token typed in "Authorize".
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No call to the public validator (another origin: the CSP refuses it anyway).
    validatorUrl: null,
    persistAuthorization: false,
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
        request.headers["X-CSRFToken"] = csrfToken();
      }
      return request;
    }
  });
})();
