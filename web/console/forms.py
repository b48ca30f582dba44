"""The console's forms: each carries a CSRF token (Flask-WTF) checked on submit."""
from __future__ import annotations

from flask import abort
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


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


class DeclareIncident(FlaskForm):
    """An outage declared from the console (the choices are filled in by the view)."""
    # The choices are checked by handlers.console.incident_actions (its refusals are in Chinese).
    estate = SelectField("小区", coerce=int, validate_choice=False)
    category = SelectField("类别", validate_choice=False)
    place = StringField("楼栋（空着为全小区）", validators=[Optional(), Length(max=8)])
    expected = DateTimeLocalField("预计恢复时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])


class ExpectedTime(FlaskForm):
    """A new expected restore time."""
    expected = DateTimeLocalField("预计恢复时间", format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired("请填写预计恢复时间")])
