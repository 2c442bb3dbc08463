#include <catch2/catch.hpp>

#include "timelineviewport.h"

using namespace Loopscope;

namespace {
constexpr qint64 Sec = 1'000'000'000;
}

TEST_CASE("TimelineViewport maps time to x and back at several zooms", "[timeline][viewport]")
{
    TimelineViewport vp;
    vp.setTimeArea(220, 1000);
    vp.fit(10 * Sec);
    REQUIRE(vp.mapTimeToX(0) == Approx(220));
    REQUIRE(vp.mapTimeToX(10 * Sec) == Approx(1220));

    for (double factor : {1.0, 3.0, 10.0, 1000.0, 1e6}) {
        DYNAMIC_SECTION("zoom x" << factor)
        {
            vp.zoom(factor, 700);
            for (double x : {220.0, 300.5, 720.0, 1100.25, 1220.0}) {
                const qint64 t = vp.mapXToTime(x);
                REQUIRE(vp.mapTimeToX(t) == Approx(x).margin(0.01 * vp.timeWidth()));
            }
            for (double fraction : {0.0, 0.1, 0.5, 0.99}) {
                const qint64 t = vp.startNs() + qint64(fraction * double(vp.durationNs()));
                REQUIRE(double(vp.mapXToTime(vp.mapTimeToX(t)))
                        == Approx(double(t)).margin(0.01 * double(vp.durationNs())));
            }
        }
    }
}

TEST_CASE("TimelineViewport zoom keeps the time under the anchor", "[timeline][viewport]")
{
    TimelineViewport vp(0, 10 * Sec, 100, 1000);
    vp.setLimitNs(10 * Sec);
    const qint64 anchored = vp.mapXToTime(600);
    vp.zoom(4, 600);
    REQUIRE(vp.durationNs() == 10 * Sec / 4);
    REQUIRE(double(vp.mapXToTime(600)) == Approx(double(anchored)).margin(0.01 * vp.durationNs()));
    vp.zoom(0.5, 600);
    REQUIRE(vp.durationNs() == 10 * Sec / 2);
    REQUIRE(double(vp.mapXToTime(600)) == Approx(double(anchored)).margin(0.01 * vp.durationNs()));
}

TEST_CASE("TimelineViewport clamps pan and zoom to the run", "[timeline][viewport]")
{
    TimelineViewport vp(0, 10 * Sec, 0, 1000);
    vp.fit(10 * Sec);

    SECTION("zooming out stops at the whole run")
    {
        vp.zoom(0.01, 500);
        REQUIRE(vp.startNs() == 0);
        REQUIRE(vp.endNs() == 10 * Sec);
    }
    SECTION("zooming in stops at the minimum duration")
    {
        vp.zoom(1e15, 500);
        REQUIRE(vp.durationNs() == TimelineViewport::MinDurationNs);
        REQUIRE(vp.startNs() >= 0);
    }
    SECTION("panning stops at both ends")
    {
        vp.zoom(10, 0); // [0, 1 s]
        REQUIRE(vp.startNs() == 0);
        vp.pan(-500); // show later times
        REQUIRE(vp.startNs() == Sec / 2);
        vp.pan(1e6);
        REQUIRE(vp.startNs() == 0);
        REQUIRE(vp.durationNs() == Sec);
        vp.pan(-1e6);
        REQUIRE(vp.endNs() == 10 * Sec);
        REQUIRE(vp.durationNs() == Sec);
    }
    SECTION("fit shows everything again")
    {
        vp.zoom(50, 300);
        vp.fit(4 * Sec);
        REQUIRE(vp.startNs() == 0);
        REQUIRE(vp.endNs() == 4 * Sec);
    }
}

TEST_CASE("TimelineViewport scroll offset stays inside the content", "[timeline][viewport]")
{
    TimelineViewport vp;
    vp.setScrollY(-20);
    REQUIRE(vp.scrollY() == 0);
    vp.scrollBy(5000);
    vp.clampScrollY(2000, 500);
    REQUIRE(vp.scrollY() == 1500);
    vp.clampScrollY(300, 500);
    REQUIRE(vp.scrollY() == 0);
}
