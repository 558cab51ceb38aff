"""The API's campaign resources (`/api/v1/organizations/<id>/campaigns/`), through the
same guarded lookups, forms, selectors and services as the campaign pages."""
