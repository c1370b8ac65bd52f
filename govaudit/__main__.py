from govaudit.cli import app

app(prog_name="govaudit")
