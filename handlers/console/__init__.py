"""The managers' console: who may sign in and what they see, the figures, reports and exports.

The web pages live in web/console; this package knows tickets and figures, never HTTP.
The bot's /console command calls handlers.console.signin.issue_link(desk, telegram_user_id).
"""
