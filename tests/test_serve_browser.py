"""The editor's page in a real browser: Debian's Chromium driven by Selenium through chromedriver."""

from __future__ import annotations

import os
import shutil

import pytest

from test_serve import Service, afp_lift, samples_index

HIGHLIGHT = "rgba(255, 213, 79, 1)"  # the report's <mark>
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,2000"]


@pytest.fixture
def browser(tmp_path):
    found = {name: shutil.which(name) for name in ("chromium", "chromedriver")}
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service as Driver
    except ImportError:
        found["selenium"] = None
    missing = [name for name, path in found.items() if path is None]
    if missing:
        if os.environ.get("PROVENANCE_CI"):
            pytest.fail(f"{', '.join(missing)} missing: .ci/run installs them")
        pytest.skip(f"{', '.join(missing)} not installed here (CI installs them); the editor's page was not tried in a browser")
    options = webdriver.ChromeOptions()
    options.binary_location = found["chromium"]  # given, so that Selenium never looks for a browser to download
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Driver(executable_path=found["chromedriver"]), options=options)
    driver.implicitly_wait(30)
    yield driver
    driver.quit()


def test_an_editor_pastes_the_afp_lift_and_sees_it_highlighted_beside_003(browser, tmp_path, samples_result):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    server = Service("--index", samples_index(tmp_path), "--no-access-log")
    try:
        browser.get(f"http://127.0.0.1:{server.port}/")
        label = browser.find_element(By.CSS_SELECTOR, "label[for=draft-text]")
        assert label.text == "Draft text"
        draft = browser.find_element(By.ID, label.get_attribute("for"))
        draft.send_keys(afp_lift(samples_result))
        draft.send_keys(Keys.CONTROL, Keys.ENTER)  # the keyboard alone checks it
        verdict = browser.find_element(By.ID, "verdict")
        assert verdict.text.startswith("FAIL") and browser.switch_to.active_element == verdict
        passages = browser.find_elements(By.CSS_SELECTOR, "section.passage")
        assert len(passages) == 2
        first = passages[0]
        assert "from 003 (Gulf Times (AFP), 2016-05-20T20:40:00+00:00)" in first.find_element(By.TAG_NAME, "h3").text
        mine, origin = first.find_elements(By.CSS_SELECTOR, "article.member")
        for card, words in ((mine, "Baghdad-based USA military spokesman"), (origin, "Baghdad-based US military spokesman")):
            mark = card.find_element(By.TAG_NAME, "mark")
            assert mark.text.startswith(words) and mark.is_displayed() and mark.size["height"] > 40
            assert mark.value_of_css_property("background-color") == HIGHLIGHT
        assert origin.find_element(By.TAG_NAME, "b").text == "003" and "Gulf Times (AFP)" in origin.text
        assert mine.location["y"] == origin.location["y"] and origin.location["x"] > mine.location["x"]  # side by side
        assert "edits: US → USA" in mine.text and "uncredited" in mine.text
        first.find_element(By.LINK_TEXT, "Its family on a timeline").click()
        timeline = browser.find_element(By.CSS_SELECTOR, "svg.timeline")
        dots = [dot.get_attribute("textContent") for dot in timeline.find_elements(By.TAG_NAME, "circle")]
        assert sorted(dot.split(" · ")[0] for dot in dots) == ["002", "003"]
        assert timeline.size["width"] > 500
    finally:
        assert server.stop()
