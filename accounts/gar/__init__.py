"""GAR single sign-on: the SAML 2.0 service provider (see docs/architecture.md)."""
