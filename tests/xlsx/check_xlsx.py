#!/usr/bin/python3
"""Reads the workbook core::xlsx writes (vp_xlsx_sample) back with openpyxl, an independent
reader, and checks what people rely on: tab names, bold frozen header with autofilter, Vietnamese
text in NFC, text that looks like a formula kept as text, dates, money, cached totals.
Usage: check_xlsx.py PATH/TO/vp_xlsx_sample"""
import datetime
import os
import subprocess
import sys
import tempfile
import unicodedata

import openpyxl  # Debian: python3-openpyxl (scripts/install-deps.sh --test)

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what)


with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "sample.xlsx")
    subprocess.run([sys.argv[1], path], check=True)
    wb = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)

check(wb.sheetnames == ["Nhuận bút 2026", "Báo-cáo--quý---", "BÁO-CÁO--QUÝ--- (2)"], f"sheet names {wb.sheetnames}")
check(len(set(n.lower() for n in wb.sheetnames)) == len(wb.sheetnames), "unique tab names")
ws = wb["Nhuận bút 2026"]
check(wb.properties.title == "Nhuận bút tháng 2", f"title {wb.properties.title!r}")
check(wb.properties.creator == "Ban Biên tập", f"author {wb.properties.creator!r}")

header = [c.value for c in ws[1]]
check(header == ["Tác giả", "Bài viết", "Ngày đăng", "Duyệt lúc", "Nhuận bút", "Hệ số", "Lượt xem"], f"header {header}")
check(all(c.font.b for c in ws[1]), "header bold")
check(ws.freeze_panes == "A2", f"frozen {ws.freeze_panes}")
check(ws.auto_filter.ref == "A1:G5", f"autofilter {ws.auto_filter.ref}")

name = ws["A2"].value
check(name == "Nguyễn Thị Lan" and unicodedata.is_normalized("NFC", name), f"NFC text {name!r}")
for ref, text in [("B2", '=HYPERLINK("http://evil.example","x")'), ("B3", "+1"), ("B4", "-2"), ("A5", "@SUM(A1:A2)")]:
    cell = ws[ref]
    check(cell.data_type == "s" and cell.value == text, f"{ref} is text {cell.value!r} ({cell.data_type})")
check(ws["B5"].value == "\tTab; dòng 1\ndòng 2", f"tab and newline kept {ws['B5'].value!r}")

check(ws["C2"].value == datetime.datetime(2026, 2, 13), f"date {ws['C2'].value!r}")
check(ws["C2"].number_format == "dd/mm/yyyy", f"date format {ws['C2'].number_format}")
check(ws["C3"].value == "2026-02-29", f"impossible date stays text {ws['C3'].value!r}")
check(ws["D2"].value == datetime.datetime(2026, 2, 13, 15, 0), f"datetime in UTC+7 {ws['D2'].value!r}")
check(ws["D4"].value is None, "empty cell")
check(ws["E2"].value == 1500000 and "₫" in ws["E2"].number_format, f"money {ws['E2'].value} {ws['E2'].number_format}")
check(ws["F3"].value == 2.25 and ws["F3"].number_format == "#,##0.00", "decimal")
check(ws["G3"].value == 34000 and ws["G3"].number_format == "#,##0", "integer")

check(ws["A6"].value == "Tổng cộng" and ws["A6"].font.b, "totals label")
check(ws["E6"].value == "=SUM(E2:E5)", f"totals formula {ws['E6'].value!r}")
v = values["Nhuận bút 2026"]
check(v["E6"].value == 4750000, f"cached total {v['E6'].value!r}")
check(v["F6"].value == 4.5, f"cached decimal total {v['F6'].value!r}")
check(v["G6"].value == 35200, f"cached integer total {v['G6'].value!r}")
check(ws["B6"].value is None, "no total under text")

third = wb.worksheets[2]
check(third["A1"].value == "Trống" and third["A2"].value == "Tổng", "empty sheet with totals")

print(f"{checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
