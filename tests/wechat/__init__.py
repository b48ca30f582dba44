"""Tests of wechat."""
