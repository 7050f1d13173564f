"""Signed webhooks to the consultancy's CRM (Standard Webhooks), sent by the task worker.

admin, receivers, tasks       endpoints and the outbox in the admin (resend); the core's
      |                       signals write outbox rows inside the changing transaction
services                      writes: record an event for every subscribed endpoint, resend
      |
delivery                      claim a due message (row lock + lease), sign, POST to the
      |                       address checked by the guard, record the outcome and the retry
models · payloads · signing · endpoints, the outbox; what leaves the system; the signature;
guard · schedule              the SSRF guard; the retry schedule (pure)
"""
