// /docs: Swagger UI from the relay's own files (a script file, not inline: the CSP allows no inline script).
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
