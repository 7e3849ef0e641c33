#pragma once
// The fixed world the generator (data/generator.h) draws from: advertisers, ad products,
// campaigns, places, names and products. It is the same for every seed, so ids and names stay
// stable between runs; only the activity drawn from it varies.
#include <cstdint>
#include <iterator>

namespace cleanroom::data::generator_world {

constexpr int64_t kWindowStartMicros = 1'790'812'800'000'000;  // 2026-10-01 00:00:00 UTC
constexpr int64_t kWindowSeconds = 31 * 86'400;                // to 2026-10-31 23:59:59

// Local times (the `*_dt` columns beside the `*_dt_utc` ones) are in the advertiser's time zone.
// The whole window lies in US daylight saving time (it ends on 2026-11-01), so each zone is one
// fixed offset from UTC.
struct Advertiser {
  int64_t id;
  const char* name;
  const char* short_name;
  const char* time_zone;
  int utc_offset_hours;
};
constexpr Advertiser kAdvertisers[] = {
    {5849100001, "Northwind Outdoor", "Northwind", "America/Los_Angeles", -7},
    {5849100002, "Contoso Home", "Contoso", "America/New_York", -4},
    {5849100003, "Fabrikam Kitchen", "Fabrikam", "America/Chicago", -5}};

// Per ad product (sponsored_products, dsp_display, dsp_video): its tactics, creatives, devices
// (20 slots: phone, PC, TV, tablet), click-through rate, conversion rates of a click and of an
// impression that was not clicked, and the scale of the Pareto-distributed cost: of an
// impression in millicents (DSP), of a click in microcents (sponsored products, paid per click).
struct AdProduct {
  const char* name;
  const char* tactics[2];
  const char* creatives[6];
  int devices[4];
  double click_rate;
  double click_conversion_rate;
  double view_conversion_rate;
  int64_t cost_scale;
};
constexpr AdProduct kAdProducts[] = {
    {"sponsored_products",
     {"Sponsored Products Auto", "Sponsored Products Keyword"},
     {"Product ad A", "Product ad B", "Product ad C", "Product ad D", "Product ad E",
      "Product ad F"},
     {12, 6, 0, 2},
     0.011,
     0.10,
     0,  // sponsored products attribute conversions to clicks only
     45'000'000},
    {"dsp_display",
     {"Display Prospecting", "Display Retargeting"},
     {"300x250 banner", "728x90 leaderboard", "160x600 skyscraper", "320x50 mobile",
      "970x250 billboard", "300x600 half page"},
     {11, 6, 1, 2},
     0.004,
     0.06,
     0.0009,
     220},
    {"dsp_video",
     {"Video Awareness", "OTT Reach"},
     {"15s pre-roll", "30s pre-roll", "6s bumper", "15s OTT", "30s OTT", "60s OTT"},
     {6, 3, 10, 1},
     0.006,
     0.06,
     0.0006,
     800}};
constexpr const char* kDevices[] = {"Phone", "PC", "TV", "Tablet"};
static_assert(
    [] {
      for (const auto& p : kAdProducts)
        if (p.devices[0] + p.devices[1] + p.devices[2] + p.devices[3] != 20) return false;
      return true;
    }(),
    "device_of() draws from 20 slots per ad product");

constexpr const char* kThemes[] = {"Fall Sale 2026", "Halloween 2026",  "Prime Big Deal Days",
                                   "New Arrivals",   "Brand Always-On", "Holiday Preview"};
// Campaigns 0..49 are Amazon DSP campaigns (display and video; dsp_impressions), 50..64
// sponsored products campaigns (sponsored_ads_traffic). Campaign c belongs to advertiser c % 3.
constexpr int kDspCampaigns = 50;
constexpr int kSponsoredCampaigns = 15;
constexpr int kCampaigns = kDspCampaigns + kSponsoredCampaigns;
// The last campaigns of each kind reach a fixed handful of users whatever the scale, so AMC's
// thresholds (100 distinct users) and output constraints have something to drop.
constexpr int kSmallCampaignUsers[] = {4, 9, 16};
constexpr int kSmallCampaigns = 3;
constexpr int kRegularCampaigns = kDspCampaigns - kSmallCampaigns;
constexpr int kSmallSponsoredCampaignUsers = 7;
constexpr int kRegularSponsoredCampaigns = kSponsoredCampaigns - 1;
static_assert(kRegularCampaigns <= 9 * static_cast<int>(std::size(kThemes)),
              "campaign names must stay unique");
constexpr int64_t kCampaignIdBase = 58'310'000;
// Sponsored products impressions per DSP impression (the scale counts DSP impressions).
constexpr double kSponsoredShare = 0.15;
// Impressions whose user could not be resolved carry no user_id (and are never clicked).
constexpr double kUnresolvedShare = 0.01;
// Each advertiser's ads reach 90% of the platform's users (its audience); the others may still
// buy its products, which conversions_all reports as not ad-exposed.
constexpr double kAudienceShare = 0.9;
// Non-ad-exposed conversion events (conversions_all) per platform user.
constexpr double kOrganicEventsPerUser = 0.02;
// DSP impressions on view-aware supply, whose viewability events dsp_views records.
constexpr double kViewAwareShare = 0.05;

// Each advertiser's catalog: the ASINs its campaigns promote (campaign c promotes the four
// items 2*(c/3) .. 2*(c/3)+3 of its advertiser's catalog, so neighbouring campaigns share two)
// and the rest of the brand (halo).
constexpr int kItemsPerAdvertiser = 48;
constexpr int kItems = 3 * kItemsPerAdvertiser;
static_assert(2 * ((kCampaigns - 1) / 3) + 3 < kItemsPerAdvertiser,
              "every campaign's promoted items lie in its advertiser's catalog");

// What shoppers search for, per advertiser: the keywords its keyword-targeted sponsored products
// campaigns bid on. Search terms are a keyword alone (exact match), or within a phrase, or a
// related phrase (broad), built from these modifiers.
constexpr const char* kKeywords[3][6] = {
    {"camping tent", "sleeping bag", "hiking boots", "rain jacket", "hiking backpack",
     "camping stove"},
    {"bed sheets", "bath towels", "throw blanket", "table lamp", "area rug", "memory foam pillow"},
    {"cast iron skillet", "knife set", "coffee maker", "cutting board", "mixing bowls",
     "stand mixer"}};
// Search terms of a keyword, most searched first: the keyword itself, then phrases holding it.
constexpr const char* kSearchPrefixes[] = {"", "best ", "cheap ", "", "", "", "", ""};
constexpr const char* kSearchSuffixes[] = {"",         "",         "",        " for women",
                                           " for men", " on sale", " 2 pack", " large"};
static_assert(std::size(kSearchPrefixes) == std::size(kSearchSuffixes));
// Targeting of automatic campaigns (no keyword, so no match type).
constexpr const char* kAutoTargets[] = {"close-match", "loose-match", "substitutes", "complements"};
constexpr const char* kMatchTypes[] = {"EXACT", "PHRASE", "BROAD"};
// Where a sponsored products ad was shown; a detail page has no search term.
constexpr const char* kPlacements[] = {"Top of Search on-Amazon", "Rest of Search on-Amazon",
                                       "Detail Page on-Amazon"};
constexpr int64_t kCustomerIdBase = 1'000'001;

struct State {
  const char* code;
  int slots;  // the state's share of people, in slots of a table indexed by a uniform draw
  int zip_low, zip_high;
};
constexpr State kStates[] = {
    {"US-CA", 12, 90000, 96199}, {"US-TX", 9, 75000, 79999}, {"US-FL", 7, 32000, 34999},
    {"US-NY", 6, 10000, 14999},  {"US-PA", 4, 15000, 19699}, {"US-IL", 4, 60000, 62999},
    {"US-OH", 4, 43000, 45999},  {"US-GA", 4, 30000, 31999}, {"US-NC", 4, 27000, 28999},
    {"US-MI", 3, 48000, 49999},  {"US-NJ", 3, 7000, 8999},   {"US-VA", 3, 22000, 24699},
    {"US-WA", 3, 98000, 99499},  {"US-AZ", 3, 85000, 86599}, {"US-MA", 3, 1000, 2799},
    {"US-TN", 3, 37000, 38599},  {"US-IN", 3, 46000, 47999}, {"US-MO", 3, 63000, 65899},
    {"US-MD", 3, 20600, 21999},  {"US-CO", 3, 80000, 81699}, {"US-MN", 3, 55000, 56799},
    {"US-WI", 3, 53000, 54999},  {"US-OR", 2, 97000, 97999}};

constexpr const char* kAreaCodes[] = {"212", "213", "214", "215", "216", "303", "305", "310",
                                      "312", "313", "404", "405", "407", "408", "410", "412",
                                      "415", "503", "504", "512", "602", "609", "612", "614",
                                      "615", "617", "619", "646", "702", "704", "713", "718",
                                      "720", "732", "773", "786", "813", "818", "858", "917"};

// Most common first: names are drawn skewed towards the head of each list, so some first name,
// last name and postal code combinations are shared by chance, as in real populations.
constexpr const char* kFirstNames[] = {
    "James",     "Mary",     "Robert",    "Patricia",  "John",      "Jennifer", "Michael",
    "Linda",     "David",    "Elizabeth", "William",   "Barbara",   "Richard",  "Susan",
    "Joseph",    "Jessica",  "Thomas",    "Sarah",     "Carlos",    "Karen",    "Daniel",
    "Lisa",      "Matthew",  "Nancy",     "Anthony",   "Betty",     "Mark",     "Sandra",
    "Donald",    "Margaret", "Steven",    "Ashley",    "Andrew",    "Kimberly", "Paul",
    "Emily",     "Joshua",   "Donna",     "Kenneth",   "Michelle",  "Kevin",    "Carol",
    "Brian",     "Amanda",   "George",    "Melissa",   "Timothy",   "Deborah",  "Ronald",
    "Stephanie", "Jason",    "Rebecca",   "Edward",    "Sharon",    "Jeffrey",  "Laura",
    "Ryan",      "Cynthia",  "Jacob",     "Dorothy",   "Gary",      "Amy",      "Nicholas",
    "Kathleen",  "Eric",     "Angela",    "Jonathan",  "Shirley",   "Stephen",  "Emma",
    "Larry",     "Brenda",   "Justin",    "Pamela",    "Scott",     "Nicole",   "Brandon",
    "Anna",      "Benjamin", "Samantha",  "Samuel",    "Katherine", "José",     "Christine",
    "Frank",     "Debra",    "Gregory",   "Rachel",    "Raymond",   "Carolyn",  "Alexander",
    "Janet",     "Patrick",  "María",     "Jack",      "Olivia",    "Dennis",   "Heather",
    "Jerry",     "Helen",    "Tyler",     "Catherine", "Aaron",     "Diane"};
constexpr const char* kLastNames[] = {
    "Smith",    "Johnson",   "Williams",   "Brown",     "Jones",    "García",   "Miller",
    "Davis",    "Rodriguez", "Martinez",   "Hernandez", "Lopez",    "Gonzalez", "Wilson",
    "Anderson", "Thomas",    "Taylor",     "Moore",     "Jackson",  "Martin",   "Lee",
    "Perez",    "Thompson",  "White",      "Harris",    "Sanchez",  "Clark",    "Ramirez",
    "Lewis",    "Robinson",  "Walker",     "Young",     "Allen",    "King",     "Wright",
    "Scott",    "Torres",    "Nguyen",     "Hill",      "Flores",   "Green",    "Adams",
    "Nelson",   "Baker",     "Hall",       "Rivera",    "Campbell", "Mitchell", "Carter",
    "Roberts",  "Gomez",     "Phillips",   "Evans",     "Turner",   "Diaz",     "Parker",
    "Cruz",     "Edwards",   "Collins",    "Reyes",     "Stewart",  "Morris",   "Morales",
    "Murphy",   "Cook",      "Rogers",     "Gutierrez", "Ortiz",    "Morgan",   "Cooper",
    "Peterson", "Bailey",    "Reed",       "Kelly",     "Howard",   "Ramos",    "Kim",
    "Cox",      "Ward",      "Richardson", "Watson",    "Brooks",   "Chavez",   "Wood",
    "James",    "Bennett",   "Gray",       "Mendoza",   "Ruiz",     "Hughes",   "Price",
    "Alvarez",  "Castillo",  "Sanders",    "Patel",     "Myers",    "Long",     "Ross",
    "Foster",   "Jimenez",   "O'Brien",    "Müller",    "Schmidt",  "Chen"};

// Platform users' addresses use these domains (repeated to weight them); CRM addresses that must
// not match a platform user use the reserved .example ones, so they never do by accident.
constexpr const char* kPlatformDomains[] = {
    "example.com", "example.com", "example.com", "example.com", "example.net",
    "example.net", "example.net", "example.org", "example.org", "mail.example.com"};
constexpr const char* kCrmDomains[] = {"mail.example", "inbox.example", "post.example"};

}  // namespace cleanroom::data::generator_world
