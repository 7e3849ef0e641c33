"""Turns Google Benchmark's JSON (every benchmark in bench/, one run) into build/bench.md: the
machine, then one table of every figure, each comparison a ratio measured in the same run.

Benchmarks are recognised by what they report: `vs_raw` (a protected query against raw DuckDB on
the same files), a name starting BM_Generate (the data generator), `bytes_per_second` (uploads,
against DuckDB's own COPY), BM_PolicyCheck; the rest are API requests."""
import json
import os
import platform
import sys


def seconds(b):
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
    return b["real_time"] * scale


def machine(ctx):
    gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    return (f"{os.cpu_count()} cores at {ctx.get('mhz_per_cpu', '?')} MHz, {gib} GiB, "
            f"{platform.platform()}, {ctx.get('date', '')}")


def rows_for(b, duckdb_copy):
    name = b["run_name"].split("/")[0]
    if "vs_raw" in b:
        arg = int(b["run_name"].split("/")[1])
        if name == "BM_DifferenceChecks":
            what = ["difference checks off", "difference checks on",
                    "difference checks on, after 100 earlier queries"][arg]
            label = f"10 M-row join checked and run by the engine, {what}"
        elif name == "BM_AmcFrequency":
            label = f"AMC frequency query, {arg:,} impressions, checked and run by the engine"
        else:
            label = f"Protected query, {arg:,} rows, end to end through the API"
        return [(label, f"{b['protected_ms']:,.0f} ms",
                 f"raw DuckDB {b['raw_duckdb_ms']:,.0f} ms", f"{b['vs_raw']:.2f}x")]
    if name.startswith("BM_Generate"):
        rows = b["items_per_second"] * seconds(b)
        impressions = f", of which dsp_impressions {b['impressions_table_s']:.1f} s" if "impressions_table_s" in b else ""
        return [(f"Generator, scale 10 ({rows:,.0f} rows in all tables)",
                 f"{seconds(b):.1f} s{impressions}; {b['items_per_second']:,.0f} rows/s", "", "")]
    if "bytes_per_second" in b:
        if b is duckdb_copy:
            return []  # shown as the comparison of the upload row
        base = f"DuckDB's COPY to Parquet {seconds(duckdb_copy):.2f} s" if duckdb_copy else ""
        ratio = f"{b['vs_duckdb']:.2f}x (CPU {b['vs_duckdb_cpu']:.2f}x)" if "vs_duckdb" in b else ""
        return [("Upload of a 10 M-row CSV, identities hashed",
                 f"{seconds(b):.2f} s, {b['items_per_second']:,.0f} rows/s", base, ratio)]
    if name.startswith("BM_Catalog"):
        if b.get("label") != "postgresql":
            return []  # shown as the comparison of the PostgreSQL row
        what = {"BM_CatalogCreateCollaboration": "create a collaboration and a membership",
                "BM_CatalogGet": "get a collaboration and a membership",
                "BM_CatalogListMemberships": "list a page of 100 memberships"}.get(name, name)
        sqlite_ms = seconds(b) * 1000 / b["vs_sqlite"] if b.get("vs_sqlite") else float("nan")
        return [(f"Catalog on PostgreSQL: {what}", f"{seconds(b) * 1000:.2f} ms",
                 f"SQLite {sqlite_ms:.2f} ms", f"{b.get('vs_sqlite', float('nan')):.2f}x")]
    if name == "BM_PolicyCheck":
        return [("Policy check of one query (two-table join, threshold rewrite)",
                 f"{seconds(b) * 1000:.2f} ms", "", "")]
    threads = b.get("threads", 1)
    per_s = b.get("items_per_second", 0)
    latency = 1000.0 * threads / per_s if per_s else float("nan")  # N waiting clients / throughput
    return [(f"API {name[3:]}, {threads} client{'s' if threads > 1 else ''}",
             f"{per_s:,.0f} requests/s, {latency:.2f} ms each", "", "")]


def main(json_path, out_path):
    data = json.load(open(json_path))
    lines = ["# cleanroom benchmarks", "", f"Machine: {machine(data['context'])}.", "",
             "| figure | cleanroom | compared with | ratio |", "|---|---|---|---|"]
    runs = [b for b in data["benchmarks"] if b.get("run_type") != "aggregate"]
    duckdb_copy = next((b for b in runs if "DuckDbCopy" in b["run_name"]), None)
    for b in runs:
        for row in rows_for(b, duckdb_copy):
            lines.append("| " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    open(out_path, "w").write(text)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
