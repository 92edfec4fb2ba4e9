"""File layouts of juso.go.kr's downloadable address databases (pipe-delimited text, CP949).

위치정보요약DB (entrc_<시도>.txt): building entrances with UTM-K (EPSG:5179) coordinates, 18 fields per line;
the monthly change files append a 19th field (이동사유코드). 주소DB 관련지번 (jibun_rnaddrkor_<시도>.txt): lot
numbers linked to road-name addresses, 14 fields.
"""

from __future__ import annotations

ENCODING = "cp949"
CRS = "EPSG:5179"

ENTRC_COLUMNS = (
    "sigungu_code",  # 시군구코드
    "entrance_no",  # 출입구일련번호
    "legal_dong_code",  # 법정동코드
    "sido",  # 시도명
    "sigungu",  # 시군구명
    "emd",  # 읍면동명
    "road_code",  # 도로명코드
    "road",  # 도로명
    "underground",  # 지하여부 (0 지상, 1 지하)
    "main",  # 건물본번
    "sub",  # 건물부번
    "building_name",  # 건물명
    "postcode",  # 우편번호
    "building_use",  # 건물용도분류
    "building_group",  # 건물군여부
    "admin_dong",  # 관할행정동
    "x",  # X좌표 (EPSG:5179)
    "y",  # Y좌표 (EPSG:5179)
)

JIBUN_COLUMNS = (
    "address_id",  # 도로명주소관리번호
    "legal_dong_code",  # 법정동코드
    "sido",  # 시도명
    "sigungu",  # 시군구명
    "emd",  # 법정읍면동명
    "ri",  # 법정리명
    "san",  # 산여부 (0 대지, 1 산)
    "lot_main",  # 지번본번
    "lot_sub",  # 지번부번
    "road_code",  # 도로명코드
    "underground",  # 지하여부
    "main",  # 건물본번
    "sub",  # 건물부번
    "change_code",  # 이동사유코드
)
