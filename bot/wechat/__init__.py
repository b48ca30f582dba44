"""The residents' channel: a WeChat Official Account, with wechatpy.

webhook: GET/POST /wechat (signatures, body limits, safe mode, the passive reply); inbound: a push's XML
as a neutral Inbound; client: wechatpy's API client with the access token shared in Redis; channel:
send(notice) -> Outcome for outbox rows (customer-service or template messages); push: pushes built the
way WeChat's servers send them, for `wuye demo`, the tests and the load benchmark.
"""
