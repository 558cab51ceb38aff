"""The API's Élèves resources (`/api/v1/organizations/<id>/learners/`, `…/imports/`),
through the same guarded lookups, selectors, forms and services as the pages."""
