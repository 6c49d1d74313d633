//! The whole run's imposition plan: turns the selected passes into the
//! sheets they fill, from counts alone (card sizes, groups, files, slots a
//! sheet holds, `--start-at`), without drawing; and, for `--shard K/N`, the
//! slice of whole sheets that shard K prints with its place in the run.

use crate::impose::ImposeOptions;
use crate::load::roster::Entry;
use crate::load::template::TemplateSet;
use {crate::emit::manifest, crate::units};

/// The entries of a run, in the order they are printed, each with its
/// index in the roster.
pub type Selection<'r> = Vec<(usize, &'r Entry)>;

/// One front sheet of the whole run: the file it is in and how many passes
/// it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannedSheet {
    /// The file (the pass type's index with `--split-by pass`, else `None`).
    pub file: Option<usize>,
    /// Passes on the sheet.
    pub passes: usize,
}

/// The front sheets of the whole run, in print order. The imposer fills
/// sheets the same way: a sheet holds one card size (and, with
/// `--group-by pass`, one pass type); a new file starts a new sheet; only
/// the run's very first sheet starts at `--start-at`.
pub fn sheets(
    set: &TemplateSet,
    selected: &Selection,
    impose_opts: &ImposeOptions,
    group_by_pass: bool,
    file_of: impl Fn(&Entry) -> Option<usize>,
) -> Vec<PlannedSheet> {
    // An entry of an unknown pass type (an error found later, when it is
    // resolved) still counts, as one more card like the one before it, so
    // that it stays in its shard and its error is reported.
    let mut last = None;
    let keys: Vec<(units::Size, usize, Option<usize>)> = selected
        .iter()
        .map(|(_, e)| {
            let key = match set.find(&e.pass) {
                Some(t) => (set.templates[t].card, if group_by_pass { t } else { 0 }, file_of(e)),
                None => last.unwrap_or((units::Size::new(1.0, 1.0), 0, None)),
            };
            last = Some(key);
            key
        })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let (size, group, file) = keys[i];
        let run = keys[i..]
            .iter()
            .take_while(|(s, g, f)| s.same_as(size) && *g == group && *f == file)
            .count();
        let cap = impose_opts.capacity(size).max(1);
        // The very first sheet may start part way (--start-at).
        let mut free = if i == 0 { cap - impose_opts.start_at.min(cap - 1) } else { cap };
        let mut left = run;
        while left > 0 {
            let passes = left.min(free);
            out.push(PlannedSheet { file, passes });
            left -= passes;
            free = cap;
        }
        i += run;
    }
    out
}

/// Where a file's sheets of this run stand among the whole run's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePlace {
    /// The file (as [`PlannedSheet::file`]).
    pub file: Option<usize>,
    /// Front sheets the whole run puts in this file.
    pub total: usize,
    /// Front sheets of this file that earlier shards print.
    pub before: usize,
    /// Front sheets of this file that this run prints.
    pub here: usize,
}

/// What a run prints of the whole run: which passes, and where its sheets
/// stand among the whole run's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slice {
    /// The passes of the selection this run prints.
    pub passes: std::ops::Range<usize>,
    /// Every file of the whole run, in order.
    pub files: Vec<FilePlace>,
    /// `--shard`'s K and N.
    pub shard: Option<(usize, usize)>,
    /// The whole run's id (a hash of everything it prints, the same in
    /// every shard), set by [`crate::run::select`].
    pub run: String,
}

impl Slice {
    /// The place of a file's sheets (a file the run does not know: none before, none after).
    pub fn file(&self, file: Option<usize>) -> FilePlace {
        self.files.iter().find(|f| f.file == file).cloned().unwrap_or(FilePlace {
            file,
            total: 0,
            before: 0,
            here: 0,
        })
    }
}

/// The slice of the whole run that shard `k` of `n` prints: whole sheets,
/// contiguous and balanced by sheets ([`manifest::shard_range`] over the
/// sheets), so that no sheet is split between two shards and the shards'
/// sheets, one after the other, are the whole run's. Without a shard, all.
pub fn slice(planned: &[PlannedSheet], shard: Option<(usize, usize)>) -> Slice {
    let sheets = match shard {
        Some((k, n)) => manifest::shard_range(planned.len(), k, n),
        None => 0..planned.len(),
    };
    let count = |r: std::ops::Range<usize>| planned[r].iter().map(|s| s.passes).sum::<usize>();
    let passes = count(0..sheets.start)..count(0..sheets.end);
    let mut files: Vec<FilePlace> = Vec::new();
    for (i, s) in planned.iter().enumerate() {
        if files.last().is_none_or(|f| f.file != s.file) {
            files.push(FilePlace { file: s.file, total: 0, before: 0, here: 0 });
        }
        let f = files.last_mut().expect("pushed above");
        f.total += 1;
        if i < sheets.start {
            f.before += 1;
        } else if i < sheets.end {
            f.here += 1;
        }
    }
    Slice { passes, files, shard, run: String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(counts: &[(Option<usize>, usize)]) -> Vec<PlannedSheet> {
        counts.iter().map(|&(file, passes)| PlannedSheet { file, passes }).collect()
    }

    #[test]
    fn shards_take_whole_sheets_and_know_their_place() {
        // 2,000 passes 8 up: 250 sheets, 62 or 63 a shard.
        let planned = plan(&[(None, 8); 250]);
        let slices: Vec<Slice> = (1..=4).map(|k| slice(&planned, Some((k, 4)))).collect();
        assert_eq!(slices[0].passes, 0..496);
        assert_eq!(slices[1].passes, 496..1000);
        assert_eq!(slices[3].passes.end, 2000);
        assert_eq!(slices[1].files, [FilePlace { file: None, total: 250, before: 62, here: 63 }]);
        for w in slices.windows(2) {
            assert_eq!(w[0].passes.end, w[1].passes.start);
        }
        // More shards than sheets: some shards are empty, none is split.
        let one = plan(&[(None, 3)]);
        let passes: Vec<_> = (1..=3).map(|k| slice(&one, Some((k, 3))).passes).collect();
        assert_eq!(passes, [0..0, 0..0, 0..3]);
    }

    #[test]
    fn files_are_numbered_each_on_its_own() {
        // --split-by pass: crew on 3 sheets, day on 2; shard 2 of 2 holds
        // crew's last sheet and both day sheets.
        let planned = plan(&[(Some(0), 8), (Some(0), 8), (Some(0), 2), (Some(1), 8), (Some(1), 1)]);
        let s = slice(&planned, Some((2, 2)));
        assert_eq!(s.passes, 16..27);
        assert_eq!(s.file(Some(0)), FilePlace { file: Some(0), total: 3, before: 2, here: 1 });
        assert_eq!(s.file(Some(1)), FilePlace { file: Some(1), total: 2, before: 0, here: 2 });
    }
}
