#include "data/address_words.h"

#include <sstream>
#include <vector>

namespace cleanroom::data {
namespace {

using Table = std::vector<const char*>;  // each line: "STANDARD VARIANT VARIANT ..."

// Applied in order, so a later line wins when two list the same word (as in Amazon's SDK,
// where a sub-building designator such as KEY overrides the street suffix KEY -> KY).
void add(std::map<std::string, std::string>& out, const Table& lines) {
  for (const char* line : lines) {
    std::istringstream words(line);
    std::string standard, word;
    words >> standard;
    out.insert_or_assign(standard, standard);
    while (words >> word) out.insert_or_assign(word, standard);
  }
}

// Amazon's number indicators and directionals, used for every country. WEST is left as it is,
// as in Amazon's SDK.
const Table kNumberIndicators = {"NUMBER NUM NUMERO NÚMERO NÚM NO #"};
const Table kDirectionals = {"E EAST",       "N NORTH",     "S SOUTH SO",  "NE NORTHEAST",
                             "NW NORTHWEST", "SE SOUTHEAST", "SW SOUTHWEST"};

// Common street suffixes, for the countries without a national table.
const Table kDefaultSuffixes = {
    "AVE AVENUE",      "BLVD BOULEVARD",       "CIR CIRCLE",        "CIRS CIRCLES",      "CT COURT",
    "CTR CENTER CENTRE", "DR DRIVE",           "FWY FREEWAY FRWY",  "HWY HIGHWAY",       "LN LANE",
    "PARK PARKS",      "PKWY PARKWAY PARKWY PKWAY PKY PARKWAYS PKWYS", "PL PLACE",  "PLZ PLAZA PLZA",
    "RD ROAD",         "SQ SQUARE SQU SQR",    "ST STREET STR",
};

// USPS Publication 28, appendix C1: street suffixes, the standard abbreviation first.
const Table kUsSuffixes = {
    "ALY ALLEY ALLEE ALLY", "ANX ANEX ANNEX ANNX", "ARC ARCADE", "AVE AV AVEN AVENU AVENUE AVN AVNUE",
    "BYU BAYOO BAYOU", "BCH BEACH", "BND BEND", "BLF BLUF BLUFF", "BLFS BLUFFS", "BTM BOT BOTTM BOTTOM",
    "BLVD BOUL BOULEVARD BOULV", "BR BRNCH BRANCH", "BRG BRDGE BRIDGE", "BRK BROOK", "BRKS BROOKS", "BG BURG",
    "BGS BURGS", "BYP BYPA BYPAS BYPASS BYPS", "CP CAMP CMP", "CYN CANYN CANYON CNYN", "CPE CAPE",
    "CSWY CAUSEWAY CAUSWA", "CTR CEN CENT CENTER CENTR CENTRE CNTER CNTR", "CTRS CENTERS",
    "CIR CIRC CIRCL CIRCLE CRCL CRCLE", "CIRS CIRCLES", "CLF CLIFF", "CLFS CLIFFS", "CLB CLUB", "CMN COMMON",
    "CMNS COMMONS", "COR CORNER", "CORS CORNERS", "CRSE COURSE", "CT COURT", "CTS COURTS", "CV COVE",
    "CVS COVES", "CRK CREEK", "CRES CRESCENT CRSENT CRSNT", "CRST CREST", "XING CROSSING CRSSNG",
    "XRD CROSSROAD", "XRDS CROSSROADS", "CURV CURVE", "DL DALE", "DM DAM", "DV DIV DIVIDE DVD",
    "DR DRIV DRIVE DRV", "DRS DRIVES", "EST ESTATE", "ESTS ESTATES", "EXPY EXP EXPR EXPRESS EXPRESSWAY EXPW",
    "EXT EXTENSION EXTN EXTNSN", "EXTS EXTENSIONS", "FALL", "FLS FALLS", "FRY FERRY FRRY", "FLD FIELD",
    "FLDS FIELDS", "FLT FLAT", "FLTS FLATS", "FRD FORD", "FRDS FORDS", "FRST FOREST FORESTS", "FRG FORG FORGE",
    "FRGS FORGES", "FRK FORK", "FRKS FORKS", "FT FORT FRT", "FWY FREEWAY FREEWY FRWAY FRWY",
    "GDN GARDEN GARDN GRDEN GRDN", "GDNS GARDENS GRDNS", "GTWY GATEWAY GATEWY GATWAY GTWAY", "GLN GLEN",
    "GLNS GLENS", "GRN GREEN", "GRNS GREENS", "GRV GROV GROVE", "GRVS GROVES", "HBR HARB HARBOR HARBR HRBOR",
    "HBRS HARBORS", "HVN HAVEN", "HTS HT HEIGHTS", "HWY HIGHWAY HIGHWY HIWAY HIWY HWAY", "HL HILL", "HLS HILLS",
    "HOLW HLLW HOLLOW HOLLOWS HOLWS", "INLT INLET", "IS ISLAND ISLND", "ISS ISLANDS ISLNDS", "ISLE ISLES",
    "JCT JCTION JCTN JUNCTION JUNCTN JUNCTON", "JCTS JCTNS JUNCTIONS", "KY KEY", "KYS KEYS", "KNL KNOL KNOLL",
    "KNLS KNOLLS", "LK LAKE", "LKS LAKES", "LAND", "LNDG LANDING LNDNG", "LN LANE", "LGT LIGHT", "LGTS LIGHTS",
    "LF LOAF", "LCK LOCK", "LCKS LOCKS", "LDG LDGE LODG LODGE", "LOOP LOOPS", "MALL", "MNR MANOR",
    "MNRS MANORS", "MDW MEADOW", "MDWS MEADOWS MEDOWS", "MEWS", "ML MILL", "MLS MILLS",
    "MSN MISSION MISSN MSSN", "MTWY MOTORWAY", "MT MNT MOUNT", "MTN MNTAIN MNTN MOUNTAIN MOUNTIN MTIN",
    "MTNS MOUNTAINS", "NCK NECK", "ORCH ORCHARD ORCHRD", "OVAL OVL", "OPAS OVERPASS", "PARK PRK PARKS",
    "PKWY PARKWAY PARKWY PKWAY PKY PARKWAYS PKWYS", "PASS", "PSGE PASSAGE", "PATH PATHS", "PIKE PIKES",
    "PNE PINE", "PNES PINES", "PL PLACE", "PLN PLAIN", "PLNS PLAINS", "PLZ PLAZA PLZA", "PT POINT", "PTS POINTS",
    "PRT PORT", "PRTS PORTS", "PR PRAIRIE PRR", "RADL RAD RADIAL RADIEL", "RAMP", "RNCH RANCH RANCHES RNCHS",
    "RPD RAPID", "RPDS RAPIDS", "RST REST", "RDG RDGE RIDGE", "RDGS RIDGES", "RIV RIVER RIVR RVR", "RD ROAD",
    "RDS ROADS", "RTE ROUTE", "ROW", "RUE", "RUN", "SHL SHOAL", "SHLS SHOALS", "SHR SHOAR SHORE",
    "SHRS SHORES", "SKWY SKYWAY", "SPG SPNG SPRING SPRNG", "SPGS SPNGS SPRINGS SPRNGS", "SPUR SPURS",
    "SQ SQR SQRE SQU SQUARE", "SQS SQRS SQUARES", "STA STATION STATN STN",
    "STRA STRAV STRAVEN STRAVENUE STRAVN STRVN STRVNUE", "STRM STREAM STREME", "ST STREET STRT STR",
    "STS STREETS", "SMT SUMIT SUMITT SUMMIT", "TER TERR TERRACE", "TRWY THROUGHWAY", "TRCE TRACE TRACES",
    "TRAK TRACK TRACKS TRK TRKS", "TRFY TRAFFICWAY", "TRL TRAIL TRAILS TRLS", "TRLR TRAILER TRLRS",
    "TUNL TUNEL TUNLS TUNNEL TUNNELS TUNNL", "TPKE TRNPK TURNPIKE TURNPK", "UPAS UNDERPASS", "UN UNION",
    "UNS UNIONS", "VLY VALLEY VALLY VLLY", "VLYS VALLEYS", "VIA VDCT VIADCT VIADUCT", "VW VIEW", "VWS VIEWS",
    "VLG VILL VILLAG VILLAGE VILLG VILLIAGE", "VLGS VILLAGES", "VL VILLE", "VIS VIST VISTA VST VSTA",
    "WALK WALKS", "WALL", "WAY WY", "WAYS", "WL WELL", "WLS WELLS",
};

// USPS Publication 28, appendix C2: secondary unit designators.
const Table kUsUnits = {
    "APT APARTMENT APPT", "BSMT BASEMENT", "BLDG BUILDING", "DEPT DEPARTMENT", "FL FLOOR", "FRNT FRONT",
    "HNGR HANGAR HANGER", "KEY", "LBBY LOBBY", "LOT", "LOWR LOWER", "OFC OFFICE", "PH PENTHOUSE", "PIER",
    "REAR", "RM ROOM", "SIDE", "SLIP", "SPC SPACE", "STOP", "STE SUITE", "TRLR TRAILER", "UNIT", "UPPR UPPER",
};

std::map<std::string, std::string> build(const std::vector<const Table*>& tables) {
  std::map<std::string, std::string> out;
  for (const Table* t : tables) add(out, *t);
  return out;
}

// ISO 3166-2 subdivisions: the code first, then the names it is written as (letters only).
const Table kUsStates = {
    "AL ALABAMA", "AK ALASKA", "AZ ARIZONA", "AR ARKANSAS", "CA CALIFORNIA", "CO COLORADO", "CT CONNECTICUT",
    "DE DELAWARE", "DC DISTRICTOFCOLUMBIA WASHINGTONDC", "FL FLORIDA", "GA GEORGIA", "HI HAWAII", "ID IDAHO",
    "IL ILLINOIS", "IN INDIANA", "IA IOWA", "KS KANSAS", "KY KENTUCKY", "LA LOUISIANA", "ME MAINE",
    "MD MARYLAND", "MA MASSACHUSETTS", "MI MICHIGAN", "MN MINNESOTA", "MS MISSISSIPPI", "MO MISSOURI",
    "MT MONTANA", "NE NEBRASKA", "NV NEVADA", "NH NEWHAMPSHIRE", "NJ NEWJERSEY", "NM NEWMEXICO", "NY NEWYORK",
    "NC NORTHCAROLINA", "ND NORTHDAKOTA", "OH OHIO", "OK OKLAHOMA", "OR OREGON", "PA PENNSYLVANIA",
    "RI RHODEISLAND", "SC SOUTHCAROLINA", "SD SOUTHDAKOTA", "TN TENNESSEE", "TX TEXAS", "UT UTAH", "VT VERMONT",
    "VA VIRGINIA", "WA WASHINGTON", "WV WESTVIRGINIA", "WI WISCONSIN", "WY WYOMING", "AS AMERICANSAMOA",
    "GU GUAM", "MP NORTHERNMARIANAISLANDS", "PR PUERTORICO", "VI VIRGINISLANDS USVIRGINISLANDS",
};
const Table kCaProvinces = {
    "AB ALBERTA", "BC BRITISHCOLUMBIA", "MB MANITOBA", "NB NEWBRUNSWICK", "NL NEWFOUNDLANDANDLABRADOR NEWFOUNDLAND",
    "NS NOVASCOTIA", "NT NORTHWESTTERRITORIES", "NU NUNAVUT", "ON ONTARIO", "PE PRINCEEDWARDISLAND",
    "QC QUEBEC QUBEC", "SK SASKATCHEWAN", "YT YUKON",
};
// Accented letters do not survive the letters-only step (QUÉBEC -> QUBEC above, THÜRINGEN ->
// THRINGEN here), so both spellings are listed.
const Table kDeStates = {
    "BW BADENWUERTTEMBERG BADENWRTTEMBERG", "BY BAVARIA BAYERN", "BE BERLIN", "BB BRANDENBURG", "HB BREMEN",
    "HH HAMBURG", "HE HESSE HESSEN", "MV MECKLENBURGVORPOMMERN MECKLENBURGWESTERNPOMERANIA",
    "NI LOWERSAXONY NIEDERSACHSEN", "NW NORTHRHINEWESTPHALIA NORDRHEINWESTFALEN",
    "RP RHINELANDPALATINATE RHEINLANDPFALZ", "SL SAARLAND", "SN SAXONY SACHSEN", "ST SAXONYANHALT SACHSENANHALT",
    "SH SCHLESWIGHOLSTEIN", "TH THURINGIA THUERINGEN THRINGEN",
};

const Table kCountries = {
    "US USA UNITEDSTATES UNITEDSTATESOFAMERICA", "CA CAN CANADA",
    "GB GBR UK UNITEDKINGDOM GREATBRITAIN ENGLAND SCOTLAND WALES NORTHERNIRELAND", "FR FRA FRANCE",
    "DE DEU GERMANY DEUTSCHLAND", "ES ESP SPAIN ESPANA", "IT ITA ITALY ITALIA", "JP JPN JAPAN", "IN IND INDIA",
    "MX MEX MEXICO", "BR BRA BRAZIL BRASIL", "AU AUS AUSTRALIA", "NL NLD NETHERLANDS HOLLAND", "SE SWE SWEDEN",
    "PL POL POLAND", "TR TUR TURKEY TURKIYE", "AE ARE UNITEDARABEMIRATES UAE", "SA SAU SAUDIARABIA",
    "EG EGY EGYPT", "SG SGP SINGAPORE", "BE BEL BELGIUM", "IE IRL IRELAND", "CN CHN CHINA", "AT AUT AUSTRIA",
    "CH CHE SWITZERLAND", "DK DNK DENMARK", "NO NOR NORWAY", "FI FIN FINLAND", "PT PRT PORTUGAL",
    "NZ NZL NEWZEALAND", "ZA ZAF SOUTHAFRICA", "KR KOR SOUTHKOREA KOREA",
};

}  // namespace

const std::map<std::string, std::string>& address_words(std::string_view country) {
  static const auto us = build({&kNumberIndicators, &kDirectionals, &kUsSuffixes, &kUsUnits});
  static const auto other = build({&kNumberIndicators, &kDirectionals, &kDefaultSuffixes});
  return country == "US" ? us : other;
}

const std::map<std::string, std::string>& state_codes(std::string_view country) {
  static const auto us = build({&kUsStates});
  static const auto ca = build({&kCaProvinces});
  static const auto de = build({&kDeStates});
  static const std::map<std::string, std::string> none;
  if (country == "US") return us;
  if (country == "CA") return ca;
  if (country == "DE") return de;
  return none;
}

const std::map<std::string, std::string>& country_codes() {
  static const auto codes = build({&kCountries});
  return codes;
}

}  // namespace cleanroom::data
