#!/bin/sh
# The project-life worked example through the command line. Run from this folder.
# Each line is what the lead (or an engineer) types on the day SOWTRACK_TODAY says;
# the lines that start with "!" are refused, as README.md explains.
set -e
export SOWTRACK_DB="sqlite:///$(mktemp -d)/life.db"
unset SOWTRACK_USER
export SOWTRACK_TODAY=2026-03-02
sowtrack init sow.toml
sowtrack --as zhang.wei obligation done CV-NDA --on 2026-03-02          # the vendor's CVs and NDAs, on time
export SOWTRACK_TODAY=2026-03-06
sowtrack --as zhang.wei signoff scope --on 2026-03-06
sowtrack --as li.na signoff scope --on 2026-03-06                       # SCOPE-001 signed by both parties
export SOWTRACK_TODAY=2026-03-13
sowtrack import entries entries.csv                                     # liu.yang: T2, 8 h a day, 03-02..03-13
sowtrack --as zhang.wei obligation done ENV-ACCESS --on 2026-03-12      # due 03-05: 4 working days late
sowtrack --as zhang.wei person replace liu.yang --by sun.li --name 孙立 --on 2026-03-16
sowtrack --as zhang.wei person away sun.li --from 2026-04-20 --to 2026-04-21
! sowtrack --as zhang.wei task allocate T3 sun.li 40                     # 58 PD over a capacity of 50
export SOWTRACK_TODAY=2026-03-16
! sowtrack --as liu.yang log --task T2 --hours 8 --date 2026-03-16       # after liu.yang's last day
! sowtrack --as sun.li log --task T2 --hours 8 --date 2026-03-13         # before sun.li's first day
export SOWTRACK_TODAY=2026-03-17
! sowtrack --as zhang.wei task edit T2 --estimate 34                     # the scope is signed: a CR, please
sowtrack --as zhang.wei cr new --title "Second OCR engine" --estimate T2=+4 --delta senior=4 \
    --on 2026-03-17                                                     # prints CR-001
export SOWTRACK_TODAY=2026-03-18
sowtrack --as zhang.wei cr sign CR-001 --on 2026-03-18
export SOWTRACK_TODAY=2026-03-19
sowtrack --as li.na cr sign CR-001 --on 2026-03-19                      # effective: T2 34 PD, senior +4
export SOWTRACK_TODAY=2026-03-20
for d in 16 17 18 19 20; do
    sowtrack --as sun.li log --task T2 --hours 8 --date 2026-03-$d
done
sowtrack task list
sowtrack report summary --as-of 2026-03-20 --json                       # = expected-summary.json
