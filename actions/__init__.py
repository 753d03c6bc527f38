"""Custom actions of 借呗助手: thin rasa-sdk adapters, one module per feature.

The action server imports every module here, so modules do no work at import
time; services (engine, ticket store) are built lazily on first use.
"""
