//! The workspace server against cross-site pages, oversized and concurrent requests.
