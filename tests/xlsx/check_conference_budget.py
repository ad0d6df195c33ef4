#!/usr/bin/python3
"""Reads a conference's hall and budget workbook (C-9) back with openpyxl, an independent reader:
the service test writes it (VP_CONFERENCE_XLSX_OUT), this checks the sheets, the per-site summary
with its cached total, the lines, and that text starting with "=" stayed text.
Usage: check_conference_budget.py PATH/TO/vp_conference_test"""
import sys

from readback import check, finish, written_by

wb, values = written_by(sys.argv[1], "VP_CONFERENCE_XLSX_OUT", "*BudgetEstimatesPerSiteAddUpInTheWorkbook_C9_C4/Sqlite", "budget.xlsx")

check(wb.sheetnames == ["Tổng hợp", "Chi tiết"], f"sheets {wb.sheetnames}")
summary = [list(r) for r in values["Tổng hợp"].iter_rows(values_only=True)]
check(summary[0][:4] == ["Điểm cầu", "Loại", "Số khoản", "Thành tiền"], f"summary header {summary[0]}")
sites = {r[0]: r for r in summary[1:-1]}
check(sites.get("Cục Quản trị - Tài vụ", [None] * 4)[3] == 7500000, f"the Hà Nội hub's total {sites}")
check(sites.get("Văn phòng Thành ủy Đà Nẵng", [None] * 4)[3] == 600000, f"Đà Nẵng's total {sites}")
check(summary[-1][0] == "Tổng cộng" and summary[-1][3] == 8100000, f"the cached grand total {summary[-1]}")
formula = wb["Tổng hợp"].cell(row=len(summary), column=4).value
check(isinstance(formula, str) and formula.startswith("=SUM("), f"the total is a formula {formula!r}")
lines = [list(r) for r in values["Chi tiết"].iter_rows(values_only=True)]
items = [r[2] for r in lines[1:-1]]
check("=SUM(A1)" in items, f"a text starting with = stays text {items}")
check(wb["Chi tiết"].cell(row=1 + items.index("=SUM(A1)") + 1, column=3).data_type == "s", "stored as a string")
finish("ok: the budget workbook reads back with openpyxl")
