//! Spreadsheets and images that would make the program allocate without bound.
