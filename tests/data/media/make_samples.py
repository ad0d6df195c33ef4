#!/usr/bin/env python3
"""Writes the tiny sample files the media tests identify with libmagic (run from this folder).

Each is the smallest file whose first bytes make `file --mime-type` name its type: they are not
playable media. Images are made by the tests themselves with libvips.
"""
import struct
import zipfile


def write_zip(name, entries):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as f:
        for n, d in entries:
            f.writestr(zipfile.ZipInfo(n), d, compress_type=zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED)


ct = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>'
write_zip("sample.docx", [("[Content_Types].xml", ct), ("_rels/.rels", "<r/>"), ("word/document.xml", "<w/>")])
write_zip("sample.xlsx", [("[Content_Types].xml", ct), ("_rels/.rels", "<r/>"), ("xl/workbook.xml", "<w/>")])
write_zip("sample.odt", [("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")])
write_zip("sample.ods", [("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<x/>")])
write_zip("sample.zip", [("hello.txt", "hi")])
open("sample.pdf", "wb").write(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
open("sample.mp3", "wb").write(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400)
data = b"\x00" * 100
open("sample.wav", "wb").write(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " +
                               struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data" +
                               struct.pack("<I", len(data)) + data)
open("sample.mp4", "wb").write(struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2" +
                               struct.pack(">I", 8) + b"free" + b"\x00" * 100)
open("sample.m4a", "wb").write(struct.pack(">I", 24) + b"ftypM4A " + struct.pack(">I", 0) + b"M4A isom" +
                               struct.pack(">I", 8) + b"free" + b"\x00" * 100)
head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", 312, 48000, 0, 0)
open("sample.opus", "wb").write(b"OggS" + bytes([0, 2]) + b"\x00" * 8 + struct.pack("<II", 1, 0) + b"\x00" * 4 +
                                bytes([1, len(head)]) + head)
vh = b"\x01vorbis" + struct.pack("<IBIiiiB", 0, 2, 44100, 0, 128000, 0, 0xB8) + b"\x01"
open("sample.ogg", "wb").write(b"OggS" + bytes([0, 2]) + b"\x00" * 8 + struct.pack("<II", 1, 0) + b"\x00" * 4 +
                               bytes([1, len(vh)]) + vh)


def ebml(id_bytes, payload):
    return id_bytes + bytes([0x80 | len(payload)]) + payload


hdr = (ebml(b"\x42\x86", b"\x01") + ebml(b"\x42\xf7", b"\x01") + ebml(b"\x42\xf2", b"\x04") +
       ebml(b"\x42\xf3", b"\x08") + ebml(b"\x42\x82", b"webm") + ebml(b"\x42\x87", b"\x02") + ebml(b"\x42\x85", b"\x02"))
open("sample.webm", "wb").write(b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(hdr)]) + hdr + b"\x18\x53\x80\x67" +
                                b"\x01\x00\x00\x00\x00\x00\x00\x10" + b"\x00" * 16)
open("sample.aac", "wb").write((b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 9) * 8)
open("sample.txt", "wb").write("Báo cáo quý 1\nNội dung.\n".encode())
open("sample.html", "wb").write(b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n")
open("sample.svg", "wb").write(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')
