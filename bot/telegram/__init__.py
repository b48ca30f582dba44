"""The staff channel: Telegram group chats, with python-telegram-bot.

How PTB (async) meets the synchronous rest: Flask and rq stay synchronous. Updates come in through
POST /telegram/webhook (webhook) or the `wuye telegram` long-polling process (polling); both turn them
into a neutral StaffAction (updates, with the button codec in buttons) and call handlers.staff
synchronously. Everything sent to Telegram goes through the outbox and TelegramChannel.send (channel),
run by rq jobs on a private event loop (client), behind a rate limiter kept in Redis (ratelimit) so
that all processes together respect Telegram's limits.
"""
