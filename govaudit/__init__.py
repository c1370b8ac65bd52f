"""govaudit"""
