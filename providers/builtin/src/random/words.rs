//! The words `random_pet` draws from: adverbs, adjectives and animal names (a list written
//! for terrane, lowercase ASCII only so names are safe in hostnames and resource names).

pub const ADVERBS: &[&str] = &[
    "ably", "amply", "aptly", "boldly", "briskly", "brightly", "calmly", "cheaply", "cleanly",
    "clearly", "closely", "deeply", "deftly", "duly", "eagerly", "easily", "evenly", "fairly",
    "finely", "firmly", "freely", "fully", "gently", "gladly", "goodly", "gravely", "greatly",
    "happily", "highly", "humbly", "jolly", "justly", "keenly", "kindly", "lightly", "lively",
    "loudly", "loyally", "merely", "mildly", "mostly", "neatly", "nicely", "openly", "plainly",
    "politely", "promptly", "proudly", "quickly", "quietly", "rapidly", "rarely", "readily",
    "really", "safely", "sharply", "simply", "slowly", "smoothly", "softly", "solely", "steady",
    "strongly", "subtly", "surely", "swiftly", "tightly", "truly", "vastly", "warmly", "wildly",
    "wisely",
];

pub const ADJECTIVES: &[&str] = &[
    "able", "agile", "amber", "ample", "apt", "azure", "bold", "brave", "bright", "brisk", "calm",
    "casual", "cheery", "clever", "cosmic", "cozy", "crisp", "curious", "daring", "dear", "eager",
    "early", "easy", "epic", "fair", "fancy", "fast", "fine", "firm", "fluent", "fond", "frank",
    "free", "fresh", "gentle", "giving", "glad", "golden", "grand", "great", "happy", "hardy",
    "honest", "humble", "ideal", "jolly", "just", "keen", "kind", "lucky", "merry", "mighty",
    "modest", "neat", "nice", "noble", "open", "patient", "polite", "proud", "quick", "quiet",
    "rapid", "ready", "regal", "sharp", "shiny", "smart", "smooth", "snappy", "solid", "steady",
    "sunny", "super", "swift", "tidy", "true", "vivid", "warm", "wise", "witty", "zesty",
];

pub const NAMES: &[&str] = &[
    "alpaca", "ant", "badger", "bat", "bear", "beaver", "bee", "bison", "boar", "bobcat",
    "buffalo", "camel", "cat", "cheetah", "chick", "cobra", "cod", "colt", "condor", "crab",
    "crane", "cricket", "crow", "deer", "dingo", "dog", "dolphin", "donkey", "dove", "duck",
    "eagle", "eel", "egret", "elk", "emu", "falcon", "ferret", "finch", "fish", "fox", "frog",
    "gazelle", "gecko", "goat", "goose", "gopher", "gull", "hare", "hawk", "hen", "heron", "horse",
    "hound", "ibis", "iguana", "impala", "jackal", "jaguar", "jay", "koala", "lamb", "lark",
    "lemur", "leopard", "lion", "llama", "lobster", "lynx", "macaw", "mole", "moose", "moth",
    "mouse", "mule", "newt", "ocelot", "orca", "osprey", "otter", "owl", "ox", "panda", "parrot",
    "pelican", "penguin", "pig", "pony", "puffin", "puma", "quail", "rabbit", "raven", "robin",
    "salmon", "seal", "shark", "sheep", "sloth", "snail", "sparrow", "squid", "stork", "swan",
    "tapir", "tiger", "toad", "trout", "turkey", "turtle", "viper", "walrus", "wasp", "weasel",
    "whale", "wolf", "wombat", "wren", "yak", "zebra",
];
