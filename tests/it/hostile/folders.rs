//! Shared and user folders: shards finishing together, other hosts' temporaries, all-or-nothing writes, stray files, names made from data.
