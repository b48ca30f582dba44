"""The console's forms: each carries a CSRF token (Flask-WTF) checked on submit."""
from __future__ import annotations

from flask import abort
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class PasswordSignIn(FlaskForm):
    account = StringField("账号（Telegram 用户 ID）", validators=[DataRequired("请输入账号"), Length(max=20)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=200)])


class Confirm(FlaskForm):
    """A button and nothing else: sign in by link, sign out, reveal a phone."""


def checked(form: FlaskForm) -> bool:
    """Validate a submitted form; a missing or wrong CSRF token is a 400, not a silent failure."""
    if form.validate_on_submit():
        return True
    if form.is_submitted() and "csrf_token" in form.errors:
        abort(400, "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")
    return False
