"""The JSON API, `/api/v1/` (Django REST framework, OpenAPI 3 by drf-spectacular).

    urls.py            the routes (each app's views live in its own `api.py` / `api/`)
    views.py           GuardedAPIView, the API's `org_view`; the documentation page
    authentication.py  personal access tokens (organizations.tokens) and the session
    throttling.py      rate limits per token and per person
    pagination.py      cursor (keyset) pagination
    errors.py          every refusal as {"code", "message", "meta"}
    schema.py          the schema's error shape and common refusals

The API holds no rule of its own: it calls the guarded lookups, selectors, forms and
services the pages call.
"""
