"""Importing postcode centroids from the ONS Postcode Directory CSV, streamed with flat memory."""

import datetime as dt
import io
import tracemalloc
import zipfile

import pytest
from django.core.management import CommandError, call_command

from directory.models import Postcode
from directory.onspd import OnspdFormatError, import_onspd

# The first columns of a real ONSPD edition, in its order (then many more we do not read).
HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,lat,long"
)


def onspd_row(pcds: str, lat: str, long: str, *, la: str = "E10000099", doterm: str = "") -> str:
    key = pcds.replace(" ", "")
    pcd = f"{key[:-3]:<4}{key[-3:]}"
    return f'"{pcd}","{pcd}","{pcds}","199801","{doterm}","E10000099","E58000001","{la}","E05000001","E04000001","0","451234","312345","1",{lat},{long}'


SAMPLE = "\n".join(
    [
        HEADER,
        onspd_row("NS1 1AB", "52.650000", "-1.200000"),
        onspd_row("NS1 1AD", "99.999999", "0.000000"),  # no grid reference
        onspd_row("EB1 2XY", "51.550000", "0.020000", la="E09000099"),
        onspd_row("NS9 9ZZ", "52.700000", "-1.100000", doterm="202001"),  # terminated
        onspd_row("NOT A POSTCODE", "52.7", "-1.1"),
        '"NS2 2AB","NS2 2AB","NS2 2AB"',  # truncated row
    ]
)


@pytest.mark.django_db
def test_import_keeps_postcodes_with_coordinates_and_reports_counts(tmp_path):
    path = tmp_path / "ONSPD_NOV_2026_UK.csv"
    path.write_text(SAMPLE + "\n")
    out = io.StringIO()
    call_command("import_onspd", str(path), stdout=out)
    assert (
        "Read 6 rows: saved 3 postcodes (1 of them terminated), skipped 1 without coordinates"
        in out.getvalue()
    )
    assert "2 not valid" in out.getvalue()
    ns1 = Postcode.objects.get(key="NS11AB")
    assert (ns1.postcode, ns1.latitude, ns1.longitude, ns1.la_code) == ("NS1 1AB", 52.65, -1.2, "E10000099")
    assert Postcode.objects.get(key="EB12XY").la_code == "E09000099"
    assert Postcode.objects.get(key="NS99ZZ").terminated == dt.date(2020, 1, 1)
    assert not Postcode.objects.filter(key="NS11AD").exists()


@pytest.mark.django_db
def test_running_again_updates_in_place_and_can_skip_terminated(tmp_path):
    Postcode.objects.create(postcode="NS1 1AB", key="NS11AB", latitude=1, longitude=1, la_code="X")
    result = import_onspd(io.StringIO(SAMPLE), include_terminated=False)
    assert result.saved == 2 and result.skipped_terminated == 1
    assert Postcode.objects.get(key="NS11AB").latitude == 52.65
    import_onspd(io.StringIO(SAMPLE), include_terminated=False)
    assert Postcode.objects.filter(key="NS11AB").count() == 1


@pytest.mark.django_db
def test_newer_column_names_and_the_zip_as_downloaded(tmp_path):
    text = "PCD7,PCD8,PCDS,DOINTR,DOTERM,LAD25CD,LAT,LONG\nEB1 3AA,EB1  3AA,EB1 3AA,202001,,E09000099,51.55,0.03\n"
    path = tmp_path / "onspd.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Documents/readme.csv", "a,b\n1,2\n")
        archive.writestr("Data/ONSPD_NOV_2026_UK.csv", text)
    call_command("import_onspd", str(path), stdout=io.StringIO())
    assert Postcode.objects.get(key="EB13AA").la_code == "E09000099"


@pytest.mark.django_db
def test_a_file_that_is_not_onspd_is_refused(tmp_path):
    with pytest.raises(OnspdFormatError):
        import_onspd(io.StringIO("name,town\nx,y\n"))
    path = tmp_path / "other.csv"
    path.write_text("name,town\nx,y\n")
    with pytest.raises(CommandError, match="ONS Postcode Directory"):
        call_command("import_onspd", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_onspd", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_memory_stays_flat_however_long_the_file(tmp_path):
    """20,000 rows with ONSPD's width (about 3 MB) import with a peak far below the file's size,
    and no higher than for a file a tenth as long: the file is streamed, never loaded."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    padding = ",".join(["E00000000"] * 30)

    def write(path, rows):
        with path.open("w") as handle:
            handle.write(HEADER + "," + ",".join(f"x{i}" for i in range(30)) + "\n")
            for n in range(rows):
                district, rest = divmod(n, 4000)
                sector, unit = divmod(rest, 400)
                pcds = f"NS{district + 1} {sector}{letters[unit // 20]}{letters[unit % 20]}"
                handle.write(onspd_row(pcds, f"52.{n % 100000:05d}", "-1.2") + "," + padding + "\n")

    def peak(path):
        tracemalloc.start()
        with path.open(newline="") as handle:
            result = import_onspd(handle, batch_size=2000)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return result, top

    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    write(small, 2000)
    write(big, 20000)
    small_result, small_peak = peak(small)
    big_result, big_peak = peak(big)
    assert small_result.saved == 2000 and big_result.saved == 20000
    assert Postcode.objects.count() == 20000
    assert big_peak < big.stat().st_size / 2
    assert big_peak < small_peak * 1.5


@pytest.mark.django_db
def test_the_county_is_kept_for_a_two_tier_area_and_the_las_codes_come_county_first():
    """oscty is the county in a two-tier area (the LA for SEN there), E99999999 elsewhere."""
    from core.registry import postcode_la_codes

    text = "\n".join(
        [
            "pcds,doterm,oscty,oslaua,lat,long",
            "NS1 1AB,,E10000099,E07000099,52.65,-1.2",
            "EB1 2XY,,E99999999,E09000099,51.55,0.02",
        ]
    )
    import_onspd(io.StringIO(text))
    assert Postcode.objects.get(key="NS11AB").county_code == "E10000099"
    assert Postcode.objects.get(key="EB12XY").county_code == ""
    assert postcode_la_codes("ns11ab") == ("E10000099", "E07000099")  # through the core registration
    assert postcode_la_codes(" eb1  2xy ") == ("E09000099",)
    assert postcode_la_codes("ZZ9 9ZZ") is None and postcode_la_codes("not one") is None
