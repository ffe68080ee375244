//! HTTP tests through the router: one binary for every area.

mod access;
mod audit;
mod auth;
mod billing;
mod browser;
mod buildings;
mod day_one;
mod documents;
mod errors;
mod expenses;
mod faults;
mod forms;
mod helpers;
mod hostile_files;
mod hostile_input;
mod matrix;
mod metrics;
mod money;
mod money_pages;
mod openapi;
mod owners;
mod pages;
mod privacy;
mod reminders;
mod transfer;
mod units;
