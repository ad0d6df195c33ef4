#!/usr/bin/python3
"""Reads the quarterly royalty workbook of the Portal (P-17) back with openpyxl, an independent
reader: the service test writes it (VP_ROYALTY_XLSX_OUT), this checks the sheets, the payee with
his bank details and amount, the items and the cached totals.
Usage: check_royalties.py PATH/TO/vp_portal_test"""
import sys

from readback import check, finish, written_by

wb, values = written_by(sys.argv[1], "VP_ROYALTY_XLSX_OUT", "*RoyaltiesArisOnFirstPublicationOnly_P17/Sqlite", "royalties.xlsx")

check(wb.sheetnames == ["Người hưởng", "Tin bài 2026-Q1"], f"sheets {wb.sheetnames}")
payees = values["Người hưởng"]
header = [c.value for c in payees[1]]
check(header == ["Người hưởng", "Số tài khoản", "Chi nhánh ngân hàng", "Số tin bài", "Nhuận bút"], f"header {header}")
rows = [[c.value for c in r] for r in payees.iter_rows(min_row=2)]
an = [r for r in rows if r[0] == "Nguyễn Văn An"]
check(len(an) == 1, f"the contributor's row in {rows}")
if an:
    check(an[0][1] == "0011 0023 4567", f"bank account {an[0][1]!r}")
    check(an[0][3] == 1 and an[0][4] == 300000, f"count and amount {an[0][3:]}")
total = rows[-1]
check(total[0] == "Tổng cộng" and total[4] == 300000, f"cached total {total}")
items = values["Tin bài 2026-Q1"]
item_rows = [[c.value for c in r] for r in items.iter_rows(min_row=2)]
check(len(item_rows) == 3, f"two items and the totals row: {item_rows}")
check(any(r[3] == "(chưa xếp mức)" for r in item_rows), "an item without a grade is flagged")

finish("ok: the royalty workbook reads back with openpyxl")
