#pragma once
// The fixed world the generator (data/generator.h) draws from: advertisers, ad products,
// campaigns, places, names and products. It is the same for every seed, so ids and names stay
// stable between runs; only the activity drawn from it varies.
#include <cstdint>
#include <iterator>

namespace cleanroom::data::generator_world {

constexpr int64_t kWindowStartMicros = 1'790'812'800'000'000;  // 2026-10-01 00:00:00 UTC
constexpr int64_t kWindowSeconds = 31 * 86'400;                // to 2026-10-31 23:59:59

struct Advertiser {
  int64_t id;
  const char* name;
  const char* short_name;
};
constexpr Advertiser kAdvertisers[] = {{5849100001, "Northwind Outdoor", "Northwind"},
                                       {5849100002, "Contoso Home", "Contoso"},
                                       {5849100003, "Fabrikam Kitchen", "Fabrikam"}};

// Per ad product (sponsored_products, dsp_display, dsp_video): its tactics, creatives, devices
// (20 slots: phone, PC, TV, tablet), click-through rate, conversion rate of an impression that
// was not clicked, and the scale in millicents of the Pareto-distributed cost of an impression.
struct AdProduct {
  const char* name;
  const char* tactics[2];
  const char* creatives[6];
  int devices[4];
  double click_rate;
  double view_conversion_rate;
  int cost_scale;
};
constexpr AdProduct kAdProducts[] = {
    {"sponsored_products",
     {"Sponsored Products Auto", "Sponsored Products Exact"},
     {"Product ad A", "Product ad B", "Product ad C", "Product ad D", "Product ad E",
      "Product ad F"},
     {12, 6, 0, 2},
     0.011,
     0.0022,
     90},
    {"dsp_display",
     {"Display Prospecting", "Display Retargeting"},
     {"300x250 banner", "728x90 leaderboard", "160x600 skyscraper", "320x50 mobile",
      "970x250 billboard", "300x600 half page"},
     {11, 6, 1, 2},
     0.004,
     0.0009,
     220},
    {"dsp_video",
     {"Video Awareness", "OTT Reach"},
     {"15s pre-roll", "30s pre-roll", "6s bumper", "15s OTT", "30s OTT", "60s OTT"},
     {6, 3, 10, 1},
     0.006,
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
constexpr double kClickConversionRate = 0.06;

constexpr const char* kThemes[] = {"Fall Sale 2026", "Halloween 2026",  "Prime Big Deal Days",
                                   "New Arrivals",   "Brand Always-On", "Holiday Preview"};
constexpr int kCampaigns = 50;
// The last campaigns reach a fixed handful of users whatever the scale, so AMC's thresholds
// (100 distinct users) and output constraints have something to drop.
constexpr int kSmallCampaignUsers[] = {4, 9, 16};
constexpr int kSmallCampaigns = 3;
constexpr int kRegularCampaigns = kCampaigns - kSmallCampaigns;
static_assert(kRegularCampaigns <= 9 * static_cast<int>(std::size(kThemes)),
              "campaign names must stay unique");
constexpr int64_t kCampaignIdBase = 58'310'000;
constexpr int kItems = 200;  // the catalog conversions track
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
