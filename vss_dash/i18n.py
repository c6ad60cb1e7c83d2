"""UI strings in Vietnamese and English, and locale-correct formatting of numbers and dates.

The single place that turns a value into display text. Pure Python: no Streamlit import.
Missing values (None, NaN, ±inf) are shown as an en dash. Negative numbers use the real minus
sign U+2212. Rounding is half-up on the decimal value as written (2.675 -> 2.68), not Python's
binary half-even, so what a reader rounds by hand matches the screen.
"""

from __future__ import annotations

import math
import numbers
import re
import string
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any, Literal

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"

MISSING = "\u2013"  # en dash
MINUS = "\u2212"

ChangeKind = Literal["percent", "pp", "count", "vnd_billion"]

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Bảng điều khiển BHXH Việt Nam", "en": "VSS dashboard"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "lang_vi": {"vi": "Tiếng Việt", "en": "Tiếng Việt"},
    "lang_en": {"vi": "English", "en": "English"},
    "month": {"vi": "Tháng", "en": "Month"},
    "as_of": {"vi": "Số liệu đến {date}", "en": "Data as of {date}"},
    "demo_badge": {"vi": "Dữ liệu minh họa", "en": "Demo data"},
    "published_badge": {"vi": "Số liệu công bố", "en": "Published figure"},
    "reported_badge": {"vi": "Số liệu báo cáo", "en": "Reported figure"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "yoy": {"vi": "so với cùng kỳ", "en": "vs same month last year"},
    "spark_alt": {
        "vi": "Diễn biến {n} tháng của {label}: từ {first} ({first_month})"
        " đến {last} ({last_month})",
        "en": "{label} over {n} months: from {first} ({first_month}) to {last} ({last_month})",
    },
    "spark_alt_ytd": {
        "vi": "; lũy kế tính lại từ tháng 1 mỗi năm",
        "en": "; year to date, starting again each January",
    },
    "of_plan": {"vi": "% kế hoạch", "en": "% of plan"},
    "ytd": {"vi": "lũy kế từ đầu năm", "en": "year to date"},
    "national": {"vi": "Cả nước", "en": "Nationwide"},
    "no_data": {"vi": "Không có số liệu", "en": "No data"},
    "show_table": {"vi": "Xem bảng số liệu", "en": "Show data table"},
    "demo_notice": {
        "vi": "Số liệu tỉnh và số chưa công bố là dữ liệu minh họa, khớp tổng cả nước đã công bố.",
        "en": (
            "Province and unpublished figures are demo data, fitted to the published national "
            "totals."
        ),
    },
    "store_invalid": {
        "vi": "Dữ liệu không hợp lệ: kiểm tra kho số liệu thất bại",
        "en": "Invalid data: the data store failed validation",
    },
    "store_missing": {
        "vi": "Không tìm thấy kho số liệu. Chạy `make demo` để tạo dữ liệu minh họa.",
        "en": "The data store was not found. Run `make demo` to create the demo data.",
    },
    "overview_title": {"vi": "Tổng quan toàn quốc", "en": "National overview"},
    "si_split": {
        "vi": "Bắt buộc {compulsory} · Tự nguyện {voluntary}",
        "en": "Compulsory {compulsory} · Voluntary {voluntary}",
    },
    "coverage_trend": {
        "vi": "Tỷ lệ bao phủ 24 tháng gần nhất và mục tiêu Nghị quyết",
        "en": "Coverage over the last 24 months, with resolution targets",
    },
    "target_label": {"vi": "Mục tiêu {year}: {value}", "en": "{year} target: {value}"},
    "col_measure": {"vi": "Chỉ tiêu", "en": "Measure"},
    "col_measure_id": {"vi": "Mã chỉ tiêu", "en": "Measure id"},
    "col_value": {"vi": "Giá trị", "en": "Value"},
    "col_prev": {"vi": "Cùng kỳ năm trước", "en": "Same month last year"},
    "col_change": {"vi": "Thay đổi", "en": "Change"},
    "col_status": {"vi": "Trạng thái", "en": "Status"},
    "col_source": {"vi": "Nguồn", "en": "Source"},
    "bad_url_param": {
        "vi": "Tham số “{param}={value}” trong đường dẫn không hợp lệ; đang dùng giá trị mặc định.",
        "en": "The link's parameter “{param}={value}” is not valid; showing the default instead.",
    },
    "numerator": {"vi": "Tử số", "en": "Numerator"},
    "denominator": {"vi": "Mẫu số", "en": "Denominator"},
    "rank": {"vi": "Xếp hạng", "en": "Rank"},
    "yoy_short": {"vi": "So với cùng kỳ", "en": "Year on year"},
    "unit_persons": {"vi": "người", "en": "persons"},
    "unit_visits": {"vi": "lượt", "en": "visits"},
    "unit_cases": {"vi": "hồ sơ", "en": "cases"},
    "unit_count": {"vi": "số lượng", "en": "count"},
    "unit_percent": {"vi": "%", "en": "%"},
    "unit_billion_vnd": {"vi": "tỷ đồng", "en": "billion VND"},
    "measure": {"vi": "Chỉ tiêu", "en": "Measure"},
    "layout": {"vi": "Đơn vị hành chính", "en": "Provinces"},
    "layout_P63": {"vi": "63 tỉnh (đến 6/2025)", "en": "63 provinces (to Jun 2025)"},
    "layout_P34": {"vi": "34 tỉnh (từ 7/2025)", "en": "34 provinces (from Jul 2025)"},
    "p63_unavailable": {
        "vi": (
            "Từ tháng 7/2025 số liệu do 34 tỉnh, thành phố báo cáo và không thể tách ngược về "
            "63 tỉnh cũ; đang hiển thị theo 34 tỉnh."
        ),
        "en": (
            "From July 2025 the data is reported by the 34 provinces and cannot be split back "
            "into the former 63; showing the 34 provinces instead."
        ),
    },
    "harmonised_note": {
        "vi": "Số liệu trước 7/2025 được cộng gộp từ 63 tỉnh cũ theo bảng chuyển đổi sáp nhập.",
        "en": "Figures before July 2025 are summed from the former 63 provinces via the merger "
        "crosswalk.",
    },
    "map_title": {"vi": "Bản đồ tỉnh, thành phố", "en": "Province map"},
    "ranking_title": {"vi": "Xếp hạng", "en": "Ranking"},
    "top_n": {"vi": "Số tỉnh đầu và cuối bảng", "en": "Top and bottom N"},
    "best": {"vi": "Tốt nhất", "en": "Best"},
    "worst": {"vi": "Cần quan tâm", "en": "Lagging"},
    "col_province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "col_rank": {"vi": "Hạng", "en": "Rank"},
    "col_profile": {"vi": "Hồ sơ", "en": "Profile"},
    "open_profile": {"vi": "Xem hồ sơ tỉnh", "en": "Open the province profile"},
    "map_hint": {
        "vi": "Bấm vào một tỉnh trên bản đồ hoặc một dòng trong bảng để chọn tỉnh đó.",
        "en": "Click a province on the map or a row of a table to select it.",
    },
    "map_region": {"vi": "Vùng hiển thị", "en": "Area shown"},
    "region_all": {"vi": "Cả nước", "en": "Whole country"},
    "region_red_river": {"vi": "Đồng bằng sông Hồng", "en": "Red River Delta"},
    "region_mekong": {"vi": "Đồng bằng sông Cửu Long", "en": "Mekong Delta"},
    "map_selected": {"vi": "Tỉnh đang chọn", "en": "Selected province"},
    "map_none_selected": {"vi": "(chưa chọn)", "en": "(none)"},
    "map_panel_rank": {
        "vi": "Hạng {rank}/{n} (hạng 1 tốt nhất) · cả nước {national}",
        "en": "Rank {rank} of {n} (1 is best) · nationwide {national}",
    },
    "rank_note_up": {
        "vi": "Hạng 1 là tỉnh có giá trị cao nhất (cao hơn là tốt hơn).",
        "en": "Rank 1 is the highest value (higher is better).",
    },
    "rank_note_down": {
        "vi": "Hạng 1 là tỉnh có giá trị thấp nhất (thấp hơn là tốt hơn).",
        "en": "Rank 1 is the lowest value (lower is better).",
    },
    "archipelago_hs": {"vi": "QĐ. Hoàng Sa (Đà Nẵng)", "en": "Hoàng Sa Is. (Đà Nẵng)"},
    "archipelago_ts": {"vi": "QĐ. Trường Sa (Khánh Hòa)", "en": "Trường Sa Is. (Khánh Hòa)"},
    "profile_title": {"vi": "Hồ sơ tỉnh", "en": "Province profile"},
    "province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "rank_note": {
        "vi": "Hạng {rank}/{n} tỉnh · cả nước {national}",
        "en": "Rank {rank} of {n} provinces · nationwide {national}",
    },
    "constituents_title": {
        "vi": "Lịch sử các tỉnh cũ hợp thành {name}",
        "en": "History of the former provinces that form {name}",
    },
    "constituents_note": {
        "vi": "Đến 6/2025 theo từng tỉnh cũ; từ 7/2025 chỉ có số liệu của tỉnh mới.",
        "en": "Up to June 2025 by former province; from July 2025 only the merged province "
        "reports.",
    },
    "merged_into": {
        "vi": "Từ 1/7/2025, {members} hợp nhất thành {new} (trong 34 tỉnh, thành phố mới).",
        "en": "Since 1 July 2025, {members} form {new} (one of the 34 new provinces).",
    },
    "word_and": {"vi": "và", "en": "and"},
    "download_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "plan_title": {"vi": "Kế hoạch và thực hiện", "en": "Plan versus actual"},
    "geography": {"vi": "Địa bàn", "en": "Geography"},
    "layout_VN": {"vi": "Cả nước", "en": "Nationwide"},
    "last_year": {"vi": "Cùng kỳ năm trước", "en": "Same month last year"},
    "plan_path": {"vi": "Lộ trình kế hoạch", "en": "Plan path"},
    "plan_line": {"vi": "Kế hoạch năm: {value}", "en": "Annual plan: {value}"},
    "target_line": {"vi": "Mục tiêu năm: {value}", "en": "Target for the year: {value}"},
    "actual": {"vi": "Thực hiện", "en": "Actual"},
    "projection": {"vi": "Dự báo cuối năm", "en": "Year-end projection"},
    "projection_hover": {
        "vi": "Dự báo cuối năm {value} (khoảng {low} – {high})",
        "en": "Year-end projection {value} (range {low} – {high})",
    },
    "plan_kpi": {"vi": "Kế hoạch năm", "en": "Annual plan"},
    "target_kpi": {"vi": "Mục tiêu năm", "en": "Target for the year"},
    "completion_kpi": {"vi": "Đạt so với kế hoạch", "en": "Of the plan so far"},
    "vs_path": {"vi": "so với lộ trình", "en": "vs plan path"},
    "verdict_achieved": {"vi": "Đã đạt kế hoạch", "en": "Plan reached"},
    "verdict_on_track": {"vi": "Đúng tiến độ", "en": "On track"},
    "verdict_likely": {"vi": "Nhiều khả năng đạt", "en": "Likely to reach the plan"},
    "verdict_at_risk": {"vi": "Có nguy cơ không đạt", "en": "At risk"},
    "verdict_off_track": {"vi": "Không đạt nếu giữ đà hiện tại", "en": "Off track"},
    "verdict_rule_achieved": {
        "vi": "Đã đạt {plan}; số lũy kế không giảm trong năm.",
        "en": "{plan} already reached; a year-to-date figure does not fall within the year.",
    },
    "verdict_rule_on_track": {
        "vi": "Cả khoảng dự báo ({low} – {high}) {beyond} kế hoạch {plan}.",
        "en": "The whole projected range ({low} – {high}) {beyond} the plan of {plan}.",
    },
    "verdict_rule_likely": {
        "vi": "Dự báo {point} {beyond} kế hoạch {plan}, nhưng đầu kia của khoảng ({edge})"
        " thì không.",
        "en": "The projection {point} {beyond} the plan of {plan}, but the range's far end ({edge})"
        " does not.",
    },
    "verdict_rule_at_risk": {
        "vi": "Dự báo {point} chưa đạt kế hoạch {plan}; chỉ đầu thuận lợi của khoảng ({edge}) đạt.",
        "en": "The projection {point} falls short of the plan of {plan}; only the range's"
        " favourable end ({edge}) reaches it.",
    },
    "verdict_rule_off_track": {
        "vi": "Cả khoảng dự báo ({low} – {high}) chưa đạt kế hoạch {plan}.",
        "en": "The whole projected range ({low} – {high}) falls short of the plan of {plan}.",
    },
    "beyond_up": {"vi": "đạt hoặc vượt", "en": "reaches"},
    "beyond_down": {"vi": "không vượt", "en": "stays within"},
    "no_plan": {
        "vi": "Không có kế hoạch năm cho chỉ tiêu và địa bàn này.",
        "en": "There is no annual plan for this measure and place.",
    },
    "no_projection": {
        "vi": "Chưa đủ số liệu các năm trước để dự báo.",
        "en": "Not enough earlier years to project from.",
    },
    "method_title": {
        "vi": "Phương pháp dự báo và sai số kiểm định",
        "en": "How the projection is made, and its back-test error",
    },
    "method_text": {
        "vi": (
            "Dự báo giá trị tháng 12 = giá trị tháng này × tỷ lệ trung bình (tháng 12 / cùng "
            "tháng) của tối đa {years} năm trước (dự báo mùa vụ giữ nguyên mức của năm nay). "
            "Khoảng dự báo = ± sai số tương đối lớn nhất khi áp dụng cùng cách cho các năm "
            "trước (kiểm định ngược), tối thiểu 0,5%. Đúng tiến độ: cả khoảng đạt kế hoạch; "
            "không đạt: cả khoảng dưới kế hoạch; còn lại: có nguy cơ."
        ),
        "en": (
            "December = this month's value × the mean ratio (December / same month) over up to "
            "{years} earlier years: a seasonal naive forecast that keeps this year's level. The "
            "interval is ± the largest relative error the same method made on earlier years "
            "(back-test), at least 0.5%. On track: the whole interval reaches the plan; off "
            "track: none of it does; otherwise at risk."
        ),
    },
    "backtest_mape": {
        "vi": "Sai số tuyệt đối trung bình khi kiểm định: {mape}",
        "en": "Mean absolute back-test error: {mape}",
    },
    "col_year": {"vi": "Năm", "en": "Year"},
    "col_projected": {"vi": "Dự báo", "en": "Projected"},
    "col_actual": {"vi": "Thực tế", "en": "Actual"},
    "col_error": {"vi": "Sai số", "en": "Error"},
    "completion_table": {
        "vi": "Tỷ lệ hoàn thành kế hoạch theo tỉnh (lũy kế đến tháng)",
        "en": "Plan completion by province, year to date",
    },
    # ---- watch list (views/watch.py)
    "watch_title": {
        "vi": "Địa phương cần quan tâm, chỉ đạo",
        "en": "Localities that need direction",
    },
    "watch_intro": {
        "vi": (
            "Các tỉnh, thành phố có tỷ lệ bao phủ BHXH, BHYT, BHTN thấp, tỷ lệ chậm đóng cao, chi "
            "phí khám chữa bệnh BHYT tăng bất thường hoặc số người tham gia giảm so với tháng "
            "trước. Ngưỡng điều chỉnh trong mục «Ngưỡng cảnh báo» bên dưới."
        ),
        "en": (
            "Provinces with low SI, HI or UI coverage, a high late-payment rate, unusual growth "
            "in HI medical costs, or fewer participants than last month. Adjust the thresholds "
            "in the sidebar."
        ),
    },
    "watch_intro_public": {
        "vi": (
            "Các tỉnh, thành phố có tỷ lệ bao phủ BHXH, BHYT, BHTN thấp hoặc số người tham gia "
            "giảm so với tháng trước. Ngưỡng điều chỉnh trong mục «Ngưỡng cảnh báo» bên dưới."
        ),
        "en": (
            "Provinces with low SI, HI or UI coverage, or fewer participants than last month. "
            "Adjust the thresholds under “Thresholds” below."
        ),
    },
    "watch_summary": {
        "vi": "{entries} mục cần quan tâm tại {provinces} tỉnh, thành phố.",
        "en": "{entries} entries in {provinces} provinces.",
    },
    "watch_none": {
        "vi": "Không có tỉnh, thành phố nào vượt ngưỡng.",
        "en": "No province crosses this threshold.",
    },
    "watch_hint": {
        "vi": "Bấm vào một dòng để mở hồ sơ tỉnh.",
        "en": "Click a row to open the province profile.",
    },
    "watch_thresholds": {"vi": "Ngưỡng cảnh báo", "en": "Thresholds"},
    "number_help": {
        "vi": "Số từ {low} đến {high}, viết kiểu Việt Nam: dấu phẩy thập phân ({example})",
        "en": "A number from {low} to {high}, with a decimal point ({example})",
    },
    "number_bad": {
        "vi": "«{value}» không phải số từ {low} đến {high}; vẫn dùng {kept}.",
        "en": "“{value}” is not a number from {low} to {high}; still using {kept}.",
    },
    "th_si_coverage_gap": {
        "vi": "Bao phủ BHXH thấp hơn cả nước từ (điểm %)",
        "en": "SI coverage below national by at least (pp)",
    },
    "th_hi_coverage_gap": {
        "vi": "Bao phủ BHYT thấp hơn cả nước từ (điểm %)",
        "en": "HI coverage below national by at least (pp)",
    },
    "th_ui_coverage_gap": {
        "vi": "Bao phủ BHTN thấp hơn cả nước từ (điểm %)",
        "en": "UI coverage below national by at least (pp)",
    },
    "th_late_payment_gap": {
        "vi": "Chậm đóng cao hơn cả nước từ (điểm %)",
        "en": "Late payment above national by at least (pp)",
    },
    "th_cost_growth_z": {
        "vi": "Tăng chi phí KCB BHYT: điểm z từ",
        "en": "HI medical cost growth: robust z of at least",
    },
    "th_participant_fall_pct": {
        "vi": "Người tham gia giảm so với tháng trước từ (%)",
        "en": "Participants down on last month by at least (%)",
    },
    "reason_low_si_coverage": {"vi": "Tỷ lệ bao phủ BHXH thấp", "en": "Low SI coverage"},
    "reason_low_hi_coverage": {"vi": "Tỷ lệ bao phủ BHYT thấp", "en": "Low HI coverage"},
    "reason_low_ui_coverage": {"vi": "Tỷ lệ bao phủ BHTN thấp", "en": "Low UI coverage"},
    "reason_high_late_payment": {"vi": "Tỷ lệ chậm đóng cao", "en": "High late payment"},
    "reason_hi_cost_growth": {
        "vi": "Chi phí KCB BHYT tăng bất thường",
        "en": "Unusual growth in HI medical costs",
    },
    "reason_fall_si_participants": {
        "vi": "Người tham gia BHXH giảm",
        "en": "Fewer SI participants",
    },
    "reason_fall_hi_participants": {
        "vi": "Người tham gia BHYT giảm",
        "en": "Fewer HI participants",
    },
    "reason_fall_ui_participants": {
        "vi": "Người tham gia BHTN giảm",
        "en": "Fewer UI participants",
    },
    "rule_below_national": {
        "vi": "{measure} thấp hơn cả nước từ {threshold} điểm % trở lên.",
        "en": "{measure} at least {threshold} pp below the national rate.",
    },
    "rule_above_national": {
        "vi": "{measure} cao hơn cả nước từ {threshold} điểm % trở lên.",
        "en": "{measure} at least {threshold} pp above the national rate.",
    },
    "rule_robust_z": {
        "vi": (
            "{measure}: cao bất thường so với các tỉnh khác (điểm z ≥ {threshold}, với z = "
            "(giá trị − trung vị) / (1,4826 × trung vị độ lệch tuyệt đối))."
        ),
        "en": (
            "{measure}: unusually high against the other provinces (robust z ≥ {threshold}, "
            "where z = (value − median) / (1.4826 × median absolute deviation))."
        ),
    },
    "rule_fall": {
        "vi": "{measure} giảm từ {threshold}% trở lên so với tháng trước.",
        "en": "{measure} down by at least {threshold}% on last month.",
    },
    "col_national": {"vi": "Cả nước", "en": "Nationwide"},
    "col_gap": {"vi": "Chênh lệch với cả nước", "en": "Gap to national"},
    "col_z": {"vi": "Điểm z", "en": "Robust z"},
    "col_mom": {"vi": "So với tháng trước", "en": "Since last month"},
    "watch_method_title": {
        "vi": "Cách lập danh sách",
        "en": "How the list is made",
    },
    "watch_method_text": {
        "vi": (
            "Mỗi tỉnh, thành phố (theo bố cục của tháng: 63 tỉnh đến 6/2025, 34 tỉnh từ 7/2025) "
            "được so với cả nước theo từng tiêu chí; một tỉnh có thể xuất hiện ở nhiều tiêu chí. "
            "Tỉnh không có số liệu không được đưa vào.\n\n"
            "- **Bao phủ thấp, chậm đóng cao**: chênh lệch = giá trị của tỉnh − cả nước, tính "
            "bằng điểm phần trăm.\n"
            "- **Chi phí KCB BHYT tăng bất thường**: so với các tỉnh khác trong cùng tháng bằng "
            "điểm z vững, z = (mức tăng − trung vị) / (1,4826 × trung vị độ lệch tuyệt đối); "
            "không bị kéo lệch bởi chính các tỉnh bất thường như trung bình và độ lệch chuẩn. "
            "z ≥ 2 nghĩa là cao hơn trung vị khoảng hai lần độ phân tán thông thường.\n"
            "- **Người tham gia giảm**: thay đổi so với tháng trước; cột cả nước cho biết mức "
            "giảm là của riêng tỉnh hay của cả nước (ví dụ theo mùa).\n"
            "- **So với cùng kỳ**: thay đổi của giá trị so với cùng tháng năm trước (điểm %); "
            "với người tham gia, thay đổi số người (%)."
        ),
        "en": (
            "Each province (in the month's layout: 63 up to June 2025, 34 from July 2025) is "
            "compared with the nation on each criterion; a province may appear under several. "
            "A province without data is not listed.\n\n"
            "- **Low coverage, high late payment**: gap = the province's value − the national "
            "one, in percentage points.\n"
            "- **Unusual growth in HI medical costs**: compared with the other provinces in the "
            "same month by a robust z-score, z = (growth − median) / (1.4826 × median absolute "
            "deviation), which the outliers themselves cannot pull the way they pull a mean and "
            "standard deviation. z ≥ 2 means about twice the usual spread above the median.\n"
            "- **Fewer participants**: the change since last month; the national column tells a "
            "local fall from a nationwide (e.g. seasonal) one.\n"
            "- **Year on year**: the change of the value on the same month last year (pp); for "
            "participants, the change in their number (%)."
        ),
    },
    "watch_method_public": {
        "vi": (
            "Mỗi tỉnh, thành phố (theo bố cục của tháng: 63 tỉnh đến 6/2025, 34 tỉnh từ 7/2025) "
            "được so với cả nước theo từng tiêu chí; một tỉnh có thể xuất hiện ở nhiều tiêu chí. "
            "Tỉnh không có số liệu không được đưa vào.\n\n"
            "- **Bao phủ thấp**: chênh lệch = giá trị của tỉnh − cả nước, tính bằng điểm phần "
            "trăm.\n"
            "- **Người tham gia giảm**: thay đổi so với tháng trước; cột cả nước cho biết mức "
            "giảm là của riêng tỉnh hay của cả nước (ví dụ theo mùa).\n"
            "- **So với cùng kỳ**: thay đổi của giá trị so với cùng tháng năm trước (điểm %); "
            "với người tham gia, thay đổi số người (%)."
        ),
        "en": (
            "Each province (in the month's layout: 63 up to June 2025, 34 from July 2025) is "
            "compared with the nation on each criterion; a province may appear under several. "
            "A province without data is not listed.\n\n"
            "- **Low coverage**: gap = the province's value − the national one, in percentage "
            "points.\n"
            "- **Fewer participants**: the change since last month; the national column tells a "
            "local fall from a nationwide (e.g. seasonal) one.\n"
            "- **Year on year**: the change of the value on the same month last year (pp); for "
            "participants, the change in their number (%)."
        ),
    },
    # ---- end of watch list
    "quarter": {"vi": "Quý", "en": "Quarter"},
    "quarter_label": {"vi": "Quý {q}/{year}", "en": "Q{q} {year}"},
    "audience": {"vi": "Phạm vi số liệu", "en": "Audience"},
    "audience_0": {"vi": "Nội bộ (tất cả chỉ tiêu)", "en": "Internal (all measures)"},
    "audience_1": {
        "vi": "Công khai (chỉ số liệu được phép công bố)",
        "en": "Public (press-safe only)",
    },
    "leave_briefing": {"vi": "Thoát trình chiếu", "en": "Leave the briefing"},
    "prev_slide": {"vi": "Trang trước (phím ←)", "en": "Previous slide (← key)"},
    "next_slide": {"vi": "Trang sau (phím →)", "en": "Next slide (→ key)"},
    "slide_of": {"vi": "Trang {n}/{total}", "en": "Slide {n} of {total}"},
    "slide_headline": {"vi": "Kết quả chủ yếu", "en": "Headline results"},
    "slide_map": {"vi": "Tỷ lệ bao phủ BHXH theo tỉnh", "en": "SI coverage by province"},
    "slide_plan_revenue": {
        "vi": "Thu BHXH, BHYT, BHTN so với kế hoạch",
        "en": "Revenue against plan",
    },
    "slide_plan_participants": {
        "vi": "Phát triển người tham gia BHXH so với kế hoạch",
        "en": "SI participants against plan",
    },
    "slide_watch": {"vi": "Địa phương cần quan tâm", "en": "Localities that need direction"},
    "slide_benefits": {"vi": "Giải quyết chế độ, chính sách", "en": "Benefits paid"},
    "slide_closing": {"vi": "Nguồn và tình trạng số liệu", "en": "Sources and data status"},
    "col_reason": {"vi": "Nội dung", "en": "Reason"},
    "data_status": {"vi": "Tình trạng số liệu", "en": "Data status"},
    "sources": {"vi": "Nguồn", "en": "Sources"},
    "sources_more": {
        "vi": "và {n} nguồn khác (trang Nguồn số liệu)",
        "en": "and {n} more sources (the Sources page)",
    },
    "export_deck": {"vi": "Xuất PDF và PNG", "en": "Export PDF and PNG"},
    "exporting_deck": {
        "vi": "Đang in từng trang bằng Chromium, khoảng 30 giây…",
        "en": "Printing each slide with Chromium, about 30 seconds…",
    },
    "export_needs_chromium": {
        "vi": "Xuất PDF cần Chromium trên máy chủ (apt-get install chromium).",
        "en": "PDF export needs Chromium on the server (apt-get install chromium).",
    },
    # ---- exports (CSV, Excel, Parquet)
    "download_xlsx": {"vi": "Tải Excel", "en": "Download Excel"},
    "download_parquet": {"vi": "Tải Parquet", "en": "Download Parquet"},
    "download_csv_help": {
        "vi": "UTF-8, mở được bằng Excel; mỗi dòng ghi trạng thái số liệu",
        "en": "UTF-8, opens in Excel; each row says its data status",
    },
    "download_xlsx_help": {
        "vi": "Kèm bộ lọc, thời điểm số liệu, trạng thái và nguồn ở đầu trang tính",
        "en": "With the filters, data date, status and sources above the table",
    },
    "download_parquet_help": {
        "vi": "Cho phân tích bằng Python, R…; bộ lọc và nguồn nằm trong metadata",
        "en": "For Python, R and the like; filters and sources in its metadata",
    },
    "export_status_demo": {
        "vi": "Dữ liệu minh họa, không phải số liệu thật",
        "en": "Demo data, not real figures",
    },
    "export_status_mixed": {
        "vi": "Có dòng là dữ liệu minh họa, không phải số liệu thật (xem cột status)",
        "en": "Some rows are demo data, not real figures (see the status column)",
    },
    "export_sources": {"vi": "Nguồn số liệu", "en": "Sources"},
    "backtest_table": {"vi": "Kiểm định dự báo các năm trước", "en": "Back-test of earlier years"},
    # ---- end of exports
    "sources_used": {
        "vi": "Nguồn số liệu trên trang này:",
        "en": "Sources of the figures on this page:",
    },
    # ---- provenance on charts and the sources page (published figures, events)
    "also_published": {"vi": "Cũng công bố: {items}", "en": "Also published: {items}"},
    "earlier_estimate": {"vi": "ước tính trước", "en": "earlier estimate"},
    "published_source": {"vi": "Công bố: {who}, {date}", "en": "Published: {who}, {date}"},
    "demo_between": {
        "vi": "Dữ liệu minh họa (giữa các điểm công bố)",
        "en": "Demo data (between published points)",
    },
    "sources_title": {"vi": "Nguồn số liệu công bố", "en": "Published sources"},
    "sources_intro": {
        "vi": (
            "Mọi số liệu mà BHXH Việt Nam, Chính phủ và báo chí đã công bố, với ngày, nguồn, "
            "trích dẫn và đường dẫn; bên cạnh là giá trị bảng điều khiển đang giữ và việc giá trị "
            "đó có khớp với số công bố (ở độ chính xác đã công bố) hay không. Khi các nguồn khác "
            "nhau, một số liệu là hiện hành theo quy tắc: công bố sau khi kỳ kết thúc, rồi nguồn "
            "chính thức, rồi số chính xác hơn, rồi công bố sau; các số khác được giữ lại."
        ),
        "en": (
            "Every figure VSS, the Government and the press published, with its date, source, "
            "quote and link; beside it the value the dashboard holds now and whether it "
            "reproduces the figure (at the precision published). Where sources disagree one "
            "figure is current by a rule: published after the period closed, then official, then "
            "more precise, then later; the others are kept."
        ),
    },
    "src_summary": {
        "vi": "{shown} / {n} số liệu; {ok} khớp với giá trị đang hiển thị, {bad} không khớp.",
        "en": "{shown} of {n} figures; {ok} reproduced by the values shown, {bad} not.",
    },
    "src_place": {"vi": "Địa bàn", "en": "Place"},
    "src_year": {"vi": "Năm", "en": "Year"},
    "src_role": {"vi": "Vai trò", "en": "Role"},
    "src_not_reproduced": {"vi": "Chỉ số liệu không khớp", "en": "Not reproduced only"},
    "src_all": {"vi": "Tất cả", "en": "All"},
    "src_none": {"vi": "Không có số liệu nào khớp bộ lọc.", "en": "No figure matches the filters."},
    "figrole_current": {"vi": "Hiện hành", "en": "Current"},
    "figrole_alternative": {"vi": "Nguồn khác", "en": "Alternative"},
    "figrole_earlier_estimate": {"vi": "Ước tính trước", "en": "Earlier estimate"},
    "col_period": {"vi": "Kỳ", "en": "Period"},
    "col_published_on": {"vi": "Ngày công bố", "en": "Published on"},
    "col_publisher": {"vi": "Nơi công bố", "en": "Publisher"},
    "col_published_value": {"vi": "Số công bố", "en": "Published"},
    "col_held": {"vi": "Đang hiển thị", "en": "Dashboard holds"},
    "col_reproduced": {"vi": "Khớp", "en": "Reproduced"},
    "col_quote": {"vi": "Trích dẫn", "en": "Quote"},
    "col_link": {"vi": "Đường dẫn", "en": "Link"},
    "col_also_published": {"vi": "Cũng công bố", "en": "Also published"},
    "events_title": {"vi": "Sự kiện trên trục thời gian", "en": "Events on the time axes"},
    "events_intro": {
        "vi": "Các sự kiện này được vẽ thành đường dọc trên mọi biểu đồ theo thời gian.",
        "en": "These events are drawn as vertical lines on every time chart that spans them.",
    },
    "col_date": {"vi": "Ngày", "en": "Date"},
    "col_event": {"vi": "Sự kiện", "en": "Event"},
    "q_published_revisions": {
        "vi": "Số liệu công bố được điều chỉnh (ước tính trước → số chính thức)",
        "en": "Published figures revised (earlier estimate → final)",
    },
    "q_published_revisions_none": {
        "vi": "Không có ước tính nào được thay bằng số chính thức.",
        "en": "No estimate has been replaced by a final figure.",
    },
    "col_estimate": {"vi": "Ước tính", "en": "Estimate"},
    "col_final": {"vi": "Số chính thức", "en": "Final"},
    # ---- the Data page (filters, table, data quality, import)
    "data_intro": {
        "vi": (
            "Lọc và tải về số liệu của bất kỳ chỉ tiêu nào, xem chất lượng dữ liệu và nhập báo "
            "cáo tháng của các tỉnh."
        ),
        "en": (
            "Filter and download the values of any measure, review data quality and import the "
            "provinces' monthly reports."
        ),
    },
    "data_title": {"vi": "Số liệu", "en": "Data"},
    "tab_table": {"vi": "Bảng số liệu", "en": "Table"},
    "tab_quality": {"vi": "Chất lượng dữ liệu", "en": "Data quality"},
    "tab_upload": {"vi": "Nhập báo cáo", "en": "Import reports"},
    "f_measures": {"vi": "Chỉ tiêu", "en": "Measures"},
    "f_provinces": {"vi": "Tỉnh, thành phố (để trống: tất cả)", "en": "Provinces (empty: all)"},
    "completion_key": {
        "vi": (
            "Nền xanh: bằng hoặc vượt mức cả nước; nền cam: thấp hơn mức cả nước. Dòng đầu là cả "
            "nước, các tỉnh xếp theo cột đầu từ cao xuống thấp; bấm tiêu đề cột để xếp lại."
        ),
        "en": (
            "Blue: at or above the national level; orange: below it. The first row is the "
            "country, then provinces from highest to lowest on the first column; click a column's "
            "title to sort by it."
        ),
    },
    "f_months": {"vi": "Từ tháng đến tháng", "en": "From month to month"},
    "data_no_values": {
        "vi": "Không có số liệu trong khoảng tháng và đơn vị đã chọn cho: {names}.",
        "en": "No values in the chosen months and geography for: {names}.",
    },
    "f_from": {"vi": "Từ tháng", "en": "From"},
    "f_to": {"vi": "Đến tháng", "en": "To"},
    "f_no_measures": {"vi": "Hãy chọn ít nhất một chỉ tiêu.", "en": "Choose at least one measure."},
    "data_rows": {"vi": "{n} dòng", "en": "{n} rows"},
    "data_truncated": {
        "vi": "Hiển thị {shown} trên {n} dòng; các tệp tải về có đủ {n} dòng.",
        "en": "Showing {shown} of {n} rows; the downloads hold all {n}.",
    },
    "data_empty": {"vi": "Không có số liệu cho bộ lọc này.", "en": "No values for these filters."},
    "data_national_only": {
        "vi": "Chỉ tiêu chỉ có số cả nước (bỏ qua ở cấp tỉnh): {names}",
        "en": "Measures that exist only nationally (left out at province level): {names}",
    },
    "col_code": {"vi": "Mã", "en": "Code"},
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "q_presence": {
        "vi": "Số giá trị của các tỉnh theo tháng",
        "en": "Province values by month",
    },
    "q_presence_help": {
        "vi": (
            "Mỗi tháng theo đơn vị hành chính của tháng đó (63 tỉnh đến 6/2025, 34 tỉnh từ "
            "7/2025): số tỉnh có số liệu và số giá trị theo trạng thái."
        ),
        "en": (
            "Each month in the layout it was reported in (63 provinces to Jun 2025, 34 from Jul "
            "2025): provinces with data and values by status."
        ),
    },
    "q_status_chart": {
        "vi": "Số giá trị cấp tỉnh theo trạng thái",
        "en": "Province values by status",
    },
    "q_demo_share": {
        "vi": "{demo} giá trị cấp tỉnh là dữ liệu minh họa, {reported} là số liệu báo cáo.",
        "en": "{demo} of the province values are demo data, {reported} are reported figures.",
    },
    "q_vintages": {"vi": "Phiên bản mới nhất của từng tháng", "en": "Latest vintage of each month"},
    "q_disagree": {
        "vi": "Số liệu công bố không còn khớp với số liệu các tỉnh",
        "en": "Published figures the province data no longer reproduces",
    },
    "q_disagree_none": {
        "vi": "Cả {n} số liệu công bố đều khớp với tổng số liệu các tỉnh.",
        "en": "All {n} published figures agree with the sums of the province data.",
    },
    "q_disagree_some": {
        "vi": "{k} trên {n} số liệu công bố không khớp với tổng số liệu các tỉnh:",
        "en": "{k} of {n} published figures disagree with the sums of the province data:",
    },
    "q_revisions": {
        "vi": "So sánh các phiên bản của một tháng",
        "en": "Compare a month's vintages",
    },
    "q_revisions_none": {
        "vi": "Chưa có tháng nào được nhập nhiều lần.",
        "en": "No month has been imported more than once yet.",
    },
    "q_old": {"vi": "Phiên bản cũ", "en": "Older vintage"},
    "q_new": {"vi": "Phiên bản mới", "en": "Newer vintage"},
    "q_log": {"vi": "Nhật ký nhập báo cáo", "en": "Import log"},
    "q_log_empty": {"vi": "Chưa có lần nhập nào.", "en": "Nothing has been imported yet."},
    "col_vintage": {"vi": "Phiên bản", "en": "Vintage"},
    "col_vintages": {"vi": "Số phiên bản", "en": "Vintages"},
    "col_values": {"vi": "Số giá trị", "en": "Values"},
    "col_expected": {"vi": "Số tỉnh cần có", "en": "Provinces expected"},
    "col_present": {"vi": "Có số liệu", "en": "With data"},
    "col_reported_share": {"vi": "% số liệu báo cáo", "en": "% reported"},
    "col_published": {"vi": "Công bố", "en": "Published"},
    "col_computed": {"vi": "Tính từ các tỉnh", "en": "From the provinces"},
    "col_old": {"vi": "Cũ", "en": "Old"},
    "col_new": {"vi": "Mới", "en": "New"},
    "col_time": {"vi": "Thời điểm", "en": "Time"},
    "col_outcome": {"vi": "Kết quả", "en": "Outcome"},
    "col_file": {"vi": "Tệp", "en": "File"},
    "col_by": {"vi": "Người nhập", "en": "By"},
    "outcome_stored": {"vi": "Đã lưu", "en": "Stored"},
    "outcome_refused": {"vi": "Bị từ chối", "en": "Refused"},
    "up_off": {
        "vi": (
            "Chức năng nhập báo cáo đang tắt trên máy chủ này. Quản trị viên bật nó trong "
            "`.streamlit/secrets.toml` (mục `[upload]`, xem README)."
        ),
        "en": (
            "Importing reports is switched off on this server. An administrator switches it on "
            "in `.streamlit/secrets.toml` (section `[upload]`, see the README)."
        ),
    },
    "up_secret": {"vi": "Mã quản trị", "en": "Admin secret"},
    "up_unlock": {"vi": "Mở khóa", "en": "Unlock"},
    "up_secret_wrong": {"vi": "Mã quản trị không đúng.", "en": "Wrong admin secret."},
    "up_secret_wait": {
        "vi": "Đã nhập sai mã quản trị quá nhiều lần: hãy thử lại sau {s} giây.",
        "en": "Too many wrong admin secrets: try again in {s} seconds.",
    },
    "up_formats": {
        "vi": (
            "Nhận hai dạng tệp CSV hoặc Excel (.xlsx): **bảng dọc** với các cột `period` "
            "(YYYY-MM), `province` (tên hoặc mã tỉnh), `measure` (mã chỉ tiêu), `value` và `unit` "
            "(không bắt buộc); hoặc **báo cáo tháng** của tỉnh với dòng tiêu đề ghi kỳ (ví dụ "
            "“THÁNG 9 NĂM 2024”), cột STT, cột tỉnh và các cột như “BHXH bắt buộc”, “BHYT”, "
            "“Số đã thu (triệu đồng)”. Bảng mã UTF-8, UTF-16 hoặc Windows-1258. Không có gì "
            "được lưu trước khi bạn xem báo cáo kiểm tra và bấm Lưu."
        ),
        "en": (
            "Two shapes of CSV or Excel (.xlsx) file are read: a **long table** with the columns "
            "`period` (YYYY-MM), `province` (name or code), `measure` (catalogue id), `value` and "
            "an optional `unit`; or a province's **monthly report** with the period in a title "
            "(such as “THÁNG 9 NĂM 2024”), an STT column, a province column and columns such as "
            "“BHXH bắt buộc”, “BHYT”, “Số đã thu (triệu đồng)”. Encodings UTF-8, UTF-16 or "
            "Windows-1258. Nothing is stored before you have seen the report and pressed Store."
        ),
    },
    "up_file": {"vi": "Tệp báo cáo (CSV hoặc .xlsx)", "en": "Report file (CSV or .xlsx)"},
    "up_period": {"vi": "Kỳ báo cáo", "en": "Report period"},
    "up_period_title": {"vi": "Theo tiêu đề của tệp", "en": "As the file's title says"},
    "up_reading": {"vi": "Đang đọc và kiểm tra {file}…", "en": "Reading and checking {file}…"},
    "up_summary": {
        "vi": "**{file}**: {values} giá trị, {provinces} tỉnh, {measures} chỉ tiêu, kỳ {periods}.",
        "en": "**{file}**: {values} values, {provinces} provinces, {measures} measures, {periods}.",
    },
    "up_refused": {
        "vi": "Tệp có {n} lỗi nên không được lưu. Sửa các lỗi dưới đây rồi tải lên lại.",
        "en": "The file has {n} errors, so it cannot be stored. Fix them and upload it again.",
    },
    "up_valid": {
        "vi": "Tệp hợp lệ ({w} cảnh báo). Xem lại rồi bấm Lưu.",
        "en": "The file is valid ({w} warnings). Review it, then press Store.",
    },
    "up_store": {"vi": "Lưu vào kho số liệu", "en": "Store"},
    "up_stored": {
        "vi": (
            "Đã lưu {n} giá trị từ {file} (phiên bản {vintage}); {revised} giá trị thay cho số "
            "trước đó, các phiên bản cũ vẫn được giữ."
        ),
        "en": (
            "Stored {n} values from {file} (vintage {vintage}); {revised} replace earlier values, "
            "whose vintages are kept."
        ),
    },
    "up_store_failed": {
        "vi": "Kho số liệu từ chối tệp, không có gì được lưu:",
        "en": "The store refused the file; nothing was stored:",
    },
    "up_findings": {"vi": "Báo cáo kiểm tra", "en": "Validation report"},
    "up_preview": {"vi": "Số liệu sẽ được lưu", "en": "Values to be stored"},
    "col_severity": {"vi": "Mức", "en": "Severity"},
    "sev_error": {"vi": "Lỗi", "en": "Error"},
    "sev_warning": {"vi": "Cảnh báo", "en": "Warning"},
    "col_sheet": {"vi": "Trang", "en": "Sheet"},
    "col_row": {"vi": "Dòng", "en": "Row"},
    "col_column": {"vi": "Cột", "en": "Column"},
    "col_header": {"vi": "Tiêu đề cột", "en": "Header"},
    "col_rule": {"vi": "Quy tắc", "en": "Rule"},
    "col_message": {"vi": "Nội dung", "en": "Message"},
    "col_message_other": {"vi": "English", "en": "Tiếng Việt"},
    "col_file_value": {"vi": "Giá trị trong tệp", "en": "Value in the file"},
    # ---- sign-in and roles
    "demo_open": {
        "vi": "Bản demo mở: không cần đăng nhập, mọi số liệu (cả số liệu nội bộ) đều hiển thị.",
        "en": "Open demo: no sign-in, every figure (internal ones too) is shown.",
    },
    "signin_title": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin_intro": {
        "vi": "Bảng điều khiển chỉ dành cho người dùng đã đăng nhập bằng tài khoản của cơ quan.",
        "en": "The dashboard is for users signed in with their organisation account.",
    },
    "signin_button": {"vi": "Đăng nhập", "en": "Sign in"},
    "signout_button": {"vi": "Đăng xuất", "en": "Sign out"},
    "signed_in_as": {"vi": "Đã đăng nhập: {user} ({role})", "en": "Signed in: {user} ({role})"},
    "role_viewer": {"vi": "xem số liệu công khai", "en": "viewer, press-safe figures"},
    "role_leadership": {"vi": "lãnh đạo", "en": "leadership"},
    "role_analyst": {"vi": "chuyên viên phân tích", "en": "analyst"},
    "not_authorised": {
        "vi": "Tài khoản {user} chưa được cấp quyền xem bảng điều khiển. Hãy hỏi quản trị viên.",
        "en": "The account {user} has no access to the dashboard. Ask an administrator.",
    },
    "auth_not_configured": {
        "vi": (
            "Máy chủ chạy ở chế độ vận hành nhưng chưa cấu hình đăng nhập (mục [auth] trong "
            ".streamlit/secrets.toml), nên không cho ai truy cập."
        ),
        "en": (
            "The server runs the production profile but sign-in is not configured ([auth] in "
            ".streamlit/secrets.toml), so nobody is let in."
        ),
    },
    "access_settings_bad": {
        "vi": "Cấu hình quyền truy cập không hợp lệ: {error}",
        "en": "The access settings are not valid: {error}",
    },
    "measure_restricted": {
        "vi": (
            "Liên kết này nhắc đến một chỉ tiêu nội bộ ({measure}) mà tài khoản của bạn không "
            "được xem; trang hiển thị chỉ tiêu mặc định."
        ),
        "en": (
            "This link names an internal measure ({measure}) that your account may not see; "
            "the page shows the default measure instead."
        ),
    },
    "internal_hidden": {
        "vi": "Các số liệu nội bộ không hiển thị với quyền của bạn.",
        "en": "Internal figures are not shown for your role.",
    },
    "exports_for_analysts": {
        "vi": "Tải số liệu về máy dành cho chuyên viên phân tích.",
        "en": "Downloads are for analysts.",
    },
    "quality_internal": {
        "vi": "Bảng chất lượng dữ liệu dành cho lãnh đạo và chuyên viên phân tích.",
        "en": "The data-quality panel is for leadership and analysts.",
    },
    "upload_for_analysts": {
        "vi": "Nhập báo cáo dành cho chuyên viên phân tích.",
        "en": "Importing reports is for analysts.",
    },
}


def normalize_lang(value: object) -> str:
    """Return a supported language code; accepts "EN", "en-US", "vi_VN"; anything else -> "vi"."""
    if isinstance(value, list | tuple) and value:
        value = value[0]
    if not isinstance(value, str):
        return DEFAULT_LANG
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else DEFAULT_LANG


def t(key: str, lang: str, **fmt: Any) -> str:
    """The UI string `key` in `lang`, with `{placeholders}` filled from `fmt`.

    An unknown key raises KeyError, as does a placeholder left without a value.
    """
    text = STRINGS[key][normalize_lang(lang)]
    return text.format(**fmt)


_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:")


def md_escape(text: object) -> str:
    """Text from a file, a URL or a user, safe inside Streamlit markdown: every character that
    markdown (links, images, code spans, HTML, emphasis, lists, math) gives a meaning is
    backslash-escaped, line breaks become spaces, and control characters are dropped."""
    out = []
    for ch in str(text):
        if ch in "\r\n\t":
            out.append(" ")
        elif ord(ch) < 32 or 127 <= ord(ch) < 160:
            continue
        else:
            out.append("\\" + ch if ch in _MARKDOWN_SPECIALS else ch)
    return "".join(out)


def placeholders(text: str) -> set[str]:
    """The `{name}` fields in a format string (used by tests to check vi/en agree)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- numbers ---------------------------------------------------------------------------------

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def _to_decimal(value: object) -> Decimal | None:
    """A finite Decimal for `value`, or None when it is missing or not a finite number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        dec = value
    elif isinstance(value, numbers.Integral):
        dec = Decimal(int(value))
    elif isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return None
        # repr gives the shortest string that round-trips, so 2.675 stays 2.675, not 2.67499...
        dec = Decimal(repr(number))
    else:
        try:
            dec = Decimal(str(value))
        except InvalidOperation:
            return None
    return dec if dec.is_finite() else None


def _round(dec: Decimal, decimals: int) -> Decimal:
    # precision for every digit left of the point: the default 28 digits would raise
    # InvalidOperation on 1e30, and a number on a page must never crash it
    digits = Context(prec=max(28, dec.adjusted() + decimals + 2))
    return dec.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=digits)


def _digits(dec: Decimal, lang: str, decimals: int, signed: bool = False) -> str:
    """Format a Decimal with locale separators; `signed` adds "+" to positive values."""
    thousands, point = _SEPARATORS[normalize_lang(lang)]
    rounded = _round(dec, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "−0,00"
    body = f"{abs(rounded):,.{decimals}f}"
    body = body.replace(",", "\0").replace(".", point).replace("\0", thousands)
    if rounded < 0:
        return MINUS + body
    if signed and rounded > 0:
        return "+" + body
    return body


def parse_number(text: object, lang: str) -> float | None:
    """A number typed by a person, read the way `lang` writes it: vi "1,5" is 1.5 and
    "1.234,5" is 1234.5; en "1.5" and "1,234.5". A lone separator followed by exactly three
    digits is read as the locale's thousands separator ("1.000" in vi is 1000, "1,000" in en);
    any other lone separator is a decimal point, so "1.5" in vi and "1,5" in en are 1.5, never
    15. Spaces and a leading + or the minus sign are allowed; anything else is None."""
    if not isinstance(text, str | int | float) or isinstance(text, bool):
        return None
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "").replace(MINUS, "-")
    if not raw or not re.fullmatch(r"[+-]?[0-9.,]+", raw) or not re.search(r"[0-9]", raw):
        return None
    sign = -1.0 if raw.startswith("-") else 1.0
    body = raw.lstrip("+-")
    thousands, point = _SEPARATORS[normalize_lang(lang)]
    if "." in body and "," in body:  # both: the locale says which is which
        if body.rfind(point) < body.rfind(thousands):
            return None
        whole, _, frac = body.rpartition(point)
        groups = whole.split(thousands)
    else:
        sep = "." if "." in body else "," if "," in body else ""
        parts = body.split(sep) if sep else [body]
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3 and sep == thousands):
            if not all(len(g) == 3 for g in parts[1:]):
                return None
            return sign * float("".join(parts))
        whole, frac = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")
        groups = [whole]
    if any(not g for g in groups[1:]) or any(len(g) != 3 for g in groups[1:]):
        return None
    digits = "".join(groups) or "0"
    if not digits.isdigit() or (frac and not frac.isdigit()):
        return None
    value = sign * float(f"{digits}.{frac or 0}")
    return value if math.isfinite(value) else None


def format_input(value: float, lang: str, decimals: int = 2) -> str:
    """A number for an input box, in the locale's form and without trailing zeros:
    vi "1,5" / "20", en "1.5" / "20" (what `parse_number` reads back)."""
    text = format_number(value, lang, decimals)
    _, point = _SEPARATORS[normalize_lang(lang)]
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def format_number(value: object, lang: str, decimals: int = 0) -> str:
    """A plain number: vi "1.234.567" / "39,25", en "1,234,567" / "39.25"."""
    dec = _to_decimal(value)
    return MISSING if dec is None else _digits(dec, lang, decimals)


_COUNT_SCALES = (  # (factor, vi word, en word), smallest first
    (Decimal(10) ** 6, "triệu", "million"),
    (Decimal(10) ** 9, "tỷ", "billion"),
)


def _count(dec: Decimal, lang: str, signed: bool = False) -> str:
    lang = normalize_lang(lang)
    if abs(_round(dec, 0)) < _COUNT_SCALES[0][0]:
        return _digits(dec, lang, 0, signed)
    # Step up while the rounded figure would reach 1,000 of the current scale, so that
    # 999,995,000 reads "1,00 tỷ", not "1.000,00 triệu".
    for i, (factor, word_vi, word_en) in enumerate(_COUNT_SCALES):
        is_last = i == len(_COUNT_SCALES) - 1
        if is_last or abs(_round(dec / factor, 2)) < 1000:
            word = word_vi if lang == "vi" else word_en
            return f"{_digits(dec / factor, lang, 2, signed)} {word}"
    raise AssertionError("unreachable")


def format_count(value: object, lang: str) -> str:
    """Persons, visits, cases: "19,02 triệu" / "19.02 million" from a million up, else "704.134"."""
    dec = _to_decimal(value)
    return MISSING if dec is None else _count(dec, lang)


def format_percent(value: object, lang: str, decimals: int = 2) -> str:
    """A percentage given in percent units (39.25 -> "39,25%" / "39.25%")."""
    dec = _to_decimal(value)
    return MISSING if dec is None else _digits(dec, lang, decimals) + "%"


def _vnd_billion(dec: Decimal, lang: str, signed: bool = False) -> str:
    lang = normalize_lang(lang)
    if abs(_round(dec, 1)) >= 1000:
        number = _digits(dec / 1000, lang, 1, signed)
        return f"{number} nghìn tỷ đồng" if lang == "vi" else _en_vnd(number, "trillion")
    # Under 10 billion keep one decimal: a province's 3.4 billion must not read "3".
    decimals = 1 if abs(_round(dec, 1)) < 10 and _round(dec, 1) != 0 else 0
    number = _digits(dec, lang, decimals, signed)
    return f"{number} tỷ đồng" if lang == "vi" else _en_vnd(number, "billion")


def _en_vnd(number: str, scale: str) -> str:
    # The sign goes before the currency: "+VND 239 billion", "−VND 1.2 trillion".
    if number[0] in ("+", MINUS):
        return f"{number[0]}VND {number[1:]} {scale}"
    return f"VND {number} {scale}"


def format_vnd_billion(value: object, lang: str) -> str:
    """An amount in billion VND: "472,3 nghìn tỷ đồng" / "VND 472.3 trillion", "239 tỷ đồng"."""
    dec = _to_decimal(value)
    return MISSING if dec is None else _vnd_billion(dec, lang)


def format_change(value: object, lang: str, kind: ChangeKind) -> str:
    """A signed change: percent "+9,90%", "pp" "+1,42 điểm %" / "+1.42 pp", count, vnd_billion."""
    dec = _to_decimal(value)
    if dec is None:
        return MISSING
    lang = normalize_lang(lang)
    if kind == "percent":
        return _digits(dec, lang, 2, signed=True) + "%"
    if kind == "pp":
        return _digits(dec, lang, 2, signed=True) + (" điểm %" if lang == "vi" else " pp")
    if kind == "count":
        return _digits(dec, lang, 0, signed=True)
    if kind == "vnd_billion":
        return _vnd_billion(dec, lang, signed=True)
    raise ValueError(f"unknown change kind: {kind!r}")


UNITS: tuple[str, ...] = ("persons", "visits", "cases", "count", "percent", "billion_vnd")


def format_value(value: object, unit: str, lang: str) -> str:
    """Format `value` for a catalogue unit id (see `UNITS`); an unknown unit raises ValueError."""
    if unit in ("persons", "visits", "cases"):
        return format_count(value, lang)
    if unit == "count":
        return format_number(value, lang, 0)
    if unit == "percent":
        return format_percent(value, lang)
    if unit == "billion_vnd":
        return format_vnd_billion(value, lang)
    raise ValueError(f"unknown unit: {unit!r}")


def format_also_published(items: list[tuple[float, str, bool]], unit: str, lang: str) -> str:
    """What else was published for a value: items of (value, publisher, earlier estimate?) in
    the catalogue `unit` -> "Cũng công bố: 38,01% (Sài Gòn Giải Phóng)" ("" for none)."""
    if not items:
        return ""
    parts = []
    for value, who, earlier in items:
        note = f", {t('earlier_estimate', lang)}" if earlier else ""
        parts.append(f"{format_value(value, unit, lang)} ({who}{note})")
    return t("also_published", lang, items="; ".join(parts))


# --- dates -----------------------------------------------------------------------------------

_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_month(d: date | None, lang: str) -> str:
    """A month: vi "Tháng 9/2024", en "September 2024" (not locale-dependent strftime)."""
    if d is None:
        return MISSING
    if normalize_lang(lang) == "vi":
        return f"Tháng {d.month}/{d.year}"
    return f"{_MONTHS_EN[d.month - 1]} {d.year}"


def format_date(d: date | None, lang: str) -> str:
    """A day: vi "30/09/2024", en "30 Sep 2024"."""
    if d is None:
        return MISSING
    if normalize_lang(lang) == "vi":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day} {_MONTHS_EN[d.month - 1][:3]} {d.year}"
