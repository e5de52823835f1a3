"""The two personas' IPT clinical records: assessment, interpersonal inventory with its snapshots,
timeline, problem area, formulation, goals, session notes, homework, mid-point review and ending.

Rachel Okafor (role dispute with her husband, from impasse to renegotiation) and Geoffrey Hartley
(grief after his wife's death; re-engaging with tennis, cycling and friends). The stories are
written for this project; the facts of the cases follow the case studies in shared/seeds.

Everything goes through the apps' audited services, written by the course therapist. Dates follow
the course's attended sessions (their session numbers), so they line up with the appointments
whatever day the demo is loaded. Nothing random: the same course gets the same record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from ipt.appointments.models import Appointment
from ipt.assessments import services as record
from ipt.courses.models import Course
from ipt.formulations import services as focus
from ipt.formulations.areas import DisputeStage, ProblemArea
from ipt.formulations.models import FocusArea, Goal, GoalStatus
from ipt.measures.progress import outcome_of, series_of
from ipt.notes import queries as note_queries
from ipt.notes import services as notes
from ipt.notes.models import HomeworkTask, SessionNote

ATTENDED = {"5", "6"}
RATED_AT = (4, 6, 8, 10, 12, 14, 16)  # sessions at which the client rates their goals
GRIEF_STRATEGIES_MARKED = {5: 3, 6: 4, 7: 5, 9: 6}  # session: how many strategies ticked so far


@dataclass(frozen=True)
class Sessions:
    """A course's attended sessions by number (treatment) and its attended boosters."""

    course: Course
    treatment: dict[int, Appointment]
    boosters: dict[int, Appointment]

    def __getitem__(self, number: int) -> Appointment:
        return self.treatment[number]

    def day(self, number: int) -> dt.date:
        return timezone.localtime(self.treatment[number].starts_at).date()


def _sessions(course: Course) -> Sessions:
    treatment: dict[int, Appointment] = {}
    boosters: dict[int, Appointment] = {}
    for session in note_queries.sessions_of(course):
        if session.appointment.attendance in ATTENDED and session.number.number is not None:
            found = boosters if session.number.booster else treatment
            found[session.number.number] = session.appointment
    return Sessions(course, treatment, boosters)


def _phq9(course: Course) -> dict[int, int]:
    """PHQ-9 totals by session number, as charted."""
    series = series_of(course).get("PHQ9")
    return {point.session: point.score for point in series.points} if series else {}


def _measures_at_end(course: Course, phq: dict[int, int]) -> str:
    outcome = outcome_of(course, series_of(course))
    verdict = "reliably recovered" if outcome.reliable_recovery else "see the outcome panel"
    return f"PHQ-9 {phq.get(16, '')} at session 16; {verdict}."


def _months_before(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` before `day` (how a month-precision date is stored)."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_name(day: dt.date) -> str:
    return day.strftime("%B %Y")


# Notes ------------------------------------------------------------------------------------------


def _initial(tasks: list[str], narrative: str) -> dict:
    return {"tasks_covered": tasks, "narrative": narrative}


def _middle(
    *,
    interval: str,
    events: str,
    strategies: list[str],
    techniques: list[str],
    narrative: str,
    ca: tuple[str, str, str, str, str] | None = None,
    rp: tuple[str, str, str] | None = None,
) -> dict:
    content = {
        "interval_history": interval,
        "events_and_mood": events,
        "strategies": strategies,
        "techniques": techniques,
        "narrative": narrative,
    }
    if ca:
        names = ("ca_said", "ca_meant", "ca_felt", "ca_effect", "ca_differently")
        content |= dict(zip(names, ca, strict=True))
    if rp:
        content |= dict(zip(("rp_scenario", "rp_how_it_went", "rp_what_to_try"), rp, strict=True))
    return content


def _ending(narrative: str, **topics: str) -> dict:
    """Each topic given (ending_discussed, gains_reviewed, …) was covered, with its notes."""
    content: dict = {"narrative": narrative}
    for name in (
        "ending_discussed",
        "gains_reviewed",
        "feelings_about_ending",
        "relapse_prevention",
        "maintenance_discussed",
    ):
        content[name] = "yes" if name in topics else "no"
        content[f"{name}_notes"] = topics.get(name, "")
    return content


def _signed_note(appointment: Appointment, content: dict, course: Course):
    note = notes.start_note(appointment=appointment, content=content, by=course.therapist)
    return notes.sign_note(note=note, by=course.therapist)


def _middle_phase(
    course: Course,
    sessions: Sessions,
    area: FocusArea,
    plan: dict[int, tuple[dict, str, tuple[str, str] | None]],
    ticked: dict[int, list[str]],
    after: Callable[[int], None] = lambda number: None,
) -> tuple[dict[int, SessionNote], HomeworkTask | None]:
    """For each middle session, in order: review the last homework (`plan` gives the outcome
    and the client's reflection), write and sign the note, tick the strategies worked on, do
    whatever else happened in that session (`after`), and set the next homework.

    Returns the notes by session number and the last homework set."""
    by = course.therapist
    written: dict[int, SessionNote] = {}
    previous: HomeworkTask | None = None
    for number, (content, homework, review) in sorted(plan.items()):
        if number not in sessions.treatment:
            continue
        appointment = sessions[number]
        if previous is not None and review is not None:
            notes.review_homework(
                task=previous, at=appointment, outcome=review[0], reflection=review[1], by=by
            )
        written[number] = _signed_note(appointment, content, course)
        if number in ticked:
            focus.mark_strategies(
                focus_area=area, codes=ticked[number], by=by, on=sessions.day(number)
            )
        after(number)
        previous = notes.set_homework(appointment=appointment, description=homework, by=by)
    return written, previous


def _rate(course: Course, sessions: Sessions, goals: list[tuple[Goal, list[int]]]) -> None:
    for index, number in enumerate(RATED_AT):
        if number not in sessions.treatment:
            continue
        focus.record_goal_ratings(
            course=course,
            scores={goal: scores[index] for goal, scores in goals},
            rated_on=sessions.day(number),
            by=course.therapist,
            appointment=sessions[number],
        )


def add(rachel: Course, geoffrey: Course) -> None:
    """Write both personas' records (their courses are completed, with 16 attended sessions)."""
    _rachel(rachel)
    _geoffrey(geoffrey)


# Rachel: a role dispute with her husband -------------------------------------------------------


def _rachel(course: Course) -> None:
    by = course.therapist
    s = _sessions(course)
    phq = _phq9(course)
    referred = course.referral.received_on
    started_job = referred - dt.timedelta(weeks=10)

    record.update_assessment(
        course=course,
        by=by,
        symptom_review=(
            "Low mood most days since the spring, worst in the evenings. Lies awake going over "
            "arguments and wakes exhausted. Eating more, mostly late at night, and has put on "
            "weight. Little energy or enjoyment; has stopped going to church and seeing friends. "
            "Snaps at the children and then feels guilty. Loss of libido; she and Daniel hardly "
            "talk. Concentration poor at work. No earlier episodes of depression."
        ),
        diagnosis=(
            "Depressive episode, moderate; her first. It began in the weeks after she went back to "
            "paid work, as disagreements with her husband about the running of the home grew."
        ),
        icd10_code="F32.1",
        sick_role_discussed=True,
        sick_role_discussed_on=s.day(1),
        psychoeducation_given=True,
        medication_considered=True,
        medication_notes=(
            "Her GP offered an antidepressant in the spring; Rachel would rather try therapy "
            "first. Agreed to look at this again at the mid-point if her PHQ-9 is not falling."
        ),
        risk_narrative=(
            "Asked directly about thoughts of harming herself or ending her life: none now or in "
            "the past. Feels worn out and fed up but has strong reasons for living, above all her "
            "children. No thoughts of harming others; the irritability with the children is "
            "shouting, never physical, and no safeguarding concerns came up. Drinks a little at "
            "weekends only. Asked again at each session; nothing new."
        ),
        safety_plan=(
            "If her mood gets much worse or thoughts of self-harm start: talk to her sister Grace, "
            "ring her GP the same day, or call NHS 111 (option 2, mental health, any time) or the "
            "Samaritans on 116 123; in an emergency 999 or A&E. Rachel has a copy."
        ),
    )

    people = {
        "Daniel": record.add_person(
            course=course,
            by=by,
            name="Daniel",
            relationship="partner",
            relationship_detail="Husband; married 18 years",
            ring=2,
            contact="Live together. Talk mostly about practical things; evenings in separate rooms.",
            good_aspects=(
                "Dependable and hard-working (a delivery driver); good fun with the children at "
                "weekends. They used to laugh a lot together."
            ),
            difficult_aspects=(
                "Criticises her cooking, her clothes and the state of the house, and says her "
                "wages hardly count. Leaves the housework and school runs to her."
            ),
            client_expectations=(
                "That he shares the housework and childcare now she works, and values what she "
                "earns and does for the family."
            ),
            other_expectations=(
                "As Rachel sees it: that the home runs as it did when she was at home full time."
            ),
            expectations_met="no",
            would_like_to_change=(
                "Talk without it turning into a row; a fairer split of jobs at home; time "
                "together as a couple."
            ),
            change_around_onset=(
                "Arguments became daily once she started the job; they stopped going out together."
            ),
            suggested_area=ProblemArea.ROLE_DISPUTE,
        ),
        "Amara": record.add_person(
            course=course,
            by=by,
            name="Amara",
            relationship="child",
            relationship_detail="Daughter, 15",
            ring=1,
            contact="Lives at home.",
            good_aspects="Close; they watch a series together. Helps with her brother and sister.",
            difficult_aspects="Stressed about exams; sometimes takes her dad's side in rows.",
            client_expectations="A bit more help around the house.",
            other_expectations="That Mum stops shouting in the mornings.",
            expectations_met="partly",
            would_like_to_change="Calmer mornings; more time just the two of them.",
            gives_practical_support=True,
            change_around_onset="Rachel has been snapping at her since the spring and feels bad.",
        ),
        "Tobi": record.add_person(
            course=course,
            by=by,
            name="Tobi",
            relationship="child",
            relationship_detail="Son, 11",
            ring=1,
            contact="Lives at home.",
            good_aspects="Affectionate and funny; loves football with his dad.",
            difficult_aspects="Goes quiet and hides in his room when his parents argue.",
            expectations_met="yes",
            would_like_to_change="That he doesn't have to hear the rows.",
            change_around_onset="More withdrawn since the arguments at home started.",
        ),
        "Kemi": record.add_person(
            course=course,
            by=by,
            name="Kemi",
            relationship="child",
            relationship_detail="Daughter, 7",
            ring=1,
            contact="Lives at home.",
            good_aspects="Cuddly and chatty; bedtime stories are a favourite time of day.",
            difficult_aspects="Clingy on the mornings Rachel works early.",
            expectations_met="yes",
        ),
        "Grace": record.add_person(
            course=course,
            by=by,
            name="Grace",
            relationship="sibling",
            relationship_detail="Older sister",
            ring=1,
            contact="Phone most days; sees her at weekends.",
            good_aspects="The person Rachel tells everything; has the children when needed.",
            difficult_aspects="Blunt about Daniel, which Rachel finds hard to hear.",
            expectations_met="yes",
            gives_practical_support=True,
            is_confidant=True,
        ),
        "Esther": record.add_person(
            course=course,
            by=by,
            name="Esther",
            relationship="parent",
            relationship_detail="Mum; lives in London",
            ring=2,
            contact="Phone call every Sunday; visits about once a month.",
            good_aspects="Loving, and proud that Rachel has gone back to work.",
            difficult_aspects="Believes a wife should keep the peace and not complain.",
            client_expectations="To be listened to without advice about keeping Daniel happy.",
            expectations_met="partly",
            would_like_to_change="Be more honest with her about how things are.",
            change_around_onset="Rachel has been hiding how bad things are from her.",
        ),
        "Lou": record.add_person(
            course=course,
            by=by,
            name="Lou",
            relationship="friend",
            relationship_detail="Friend from the school gate",
            ring=3,
            contact="Used to meet for coffee every week; now the odd message.",
            good_aspects="Easy company and a good listener.",
            difficult_aspects="Nothing in particular: Rachel has been avoiding everyone.",
            expectations_met="unknown",
            would_like_to_change="Start meeting up again.",
            change_around_onset="Stopped seeing her when the job started and her mood dropped.",
        ),
        "Bev": record.add_person(
            course=course,
            by=by,
            name="Bev",
            relationship="colleague",
            relationship_detail="Senior carer on her shifts",
            ring=3,
            contact="Works alongside her three days a week.",
            good_aspects="Kind; showed her the ropes in her first weeks.",
            difficult_aspects="Rachel worries about looking as if she is not coping.",
            expectations_met="partly",
        ),
        "Marek": record.add_person(
            course=course,
            by=by,
            name="Marek",
            relationship="colleague",
            relationship_detail="Care assistant on the same shifts",
            ring=3,
            contact="Shares lifts to work.",
            good_aspects="Cheerful; they joke on their breaks.",
            difficult_aspects=(
                "Swaps shifts at short notice, which then causes rows at home about who "
                "collects the children."
            ),
            expectations_met="partly",
        ),
    }

    record.add_event(
        course=course,
        by=by,
        occurred_on=_months_before(started_job, 0),
        precision="month",
        kind="job",
        description=(
            "Started as a care assistant at a care home, three days a week: her first paid job "
            "in eight years."
        ),
        people=[people["Bev"], people["Marek"]],
        linked_to_onset=True,
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=_months_before(referred - dt.timedelta(weeks=6), 0),
        precision="month",
        kind="conflict",
        description=(
            "Rows about the housework and money become daily; Daniel says her wage barely "
            "covers the petrol."
        ),
        people=[people["Daniel"]],
        linked_to_onset=True,
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=referred - dt.timedelta(weeks=4, days=2),
        kind="conflict",
        description=(
            "Shouted at the children during the morning rush and cried in the car afterwards; "
            "stopped going to church that week."
        ),
        people=[people["Amara"], people["Tobi"]],
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=referred - dt.timedelta(days=6),
        kind="other",
        description="Saw her GP about sleep and low mood; referred to the service.",
        people_text="GP",
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=s.day(8) - dt.timedelta(days=1),
        kind="other",
        description=(
            "First calm talk with Daniel in months: he agreed to do two school runs a week and "
            "to talk over the week on Sunday evenings."
        ),
        people=[people["Daniel"]],
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=s.day(15) - dt.timedelta(days=4),
        kind="job",
        description=(
            "Offered a senior care assistant post on fixed days; accepted after talking it "
            "through with Daniel."
        ),
        people=[people["Bev"], people["Daniel"]],
    )
    record.add_episode(
        course=course,
        by=by,
        started_on=started_job + dt.timedelta(weeks=3),
        ended_on=s.day(15),
        description=(
            "Low mood, poor sleep, comfort eating and irritability, beginning a few weeks after "
            "she went back to work as the arguments at home grew."
        ),
    )

    # Initial phase: sessions 1 to 4.
    first = notes.start_note(
        appointment=s[1],
        content=_initial(["diagnosis"], "Symptom review; notes to finish after the session."),
        by=by,
    )
    notes.update_note(
        note=first,
        content=_initial(
            ["diagnosis", "medication", "psychoeducation", "sick_role"],
            f"First session. PHQ-9 {phq.get(1, '')}: went through her symptoms together; they "
            "fit a moderate depression, her first. Explained depression as an illness that is "
            "not her fault, and IPT: 16 weekly sessions looking at how her mood and her "
            "relationships affect each other. Talked about the sick role: for now she can ease "
            "off some of the jobs she holds herself to, while keeping up work, which she values. "
            "She would like to try therapy before any medication. Risk asked about: none.",
        ),
        expected_version=first.version,
        by=by,
    )
    notes.sign_note(note=first, by=by)
    _signed_note(
        s[2],
        _initial(
            ["inventory", "onset"],
            "Started the interpersonal inventory: Daniel, the three children, her sister Grace "
            "and her mum. Rachel was tearful talking about Daniel: the rows began soon after "
            "she started her job and now they barely speak. Grace is her main support.",
        ),
        course,
    )
    _signed_note(
        s[3],
        _initial(
            ["inventory", "onset", "problem_area"],
            "Finished the inventory with Lou and two colleagues, and drew the timeline. Her low "
            "mood started a few weeks after she went back to work, as arguments about housework "
            "and money grew. Both have stopped trying to sort it out: a role dispute at an "
            "impasse. Rachel agreed this is the focus.",
        ),
        course,
    )
    area = focus.set_problem_area(
        course=course,
        rank="primary",
        area=ProblemArea.ROLE_DISPUTE,
        by=by,
        details={"dispute_with": "Daniel, her husband"},
    )
    focus.change_dispute_stage(
        focus_area=area,
        stage=DisputeStage.IMPASSE,
        changed_on=s.day(3),
        by=by,
        note="They have stopped talking about it; rows end in silence and nothing changes.",
    )
    record.take_snapshot(course=course, occasion="assessment", by=by, taken_on=s.day(3))

    v1 = focus.write_formulation(
        course=course,
        by=by,
        clinician_text=(
            f"Rachel is 45 and has a first, moderate depressive episode (PHQ-9 {phq.get(1, '')} "
            "at session 1). It began in the spring, a few weeks after she returned to paid work "
            "as a care assistant after eight years at home. The return to work changed what she "
            "and Daniel expect of each other: she expects him to share the housework and "
            "childcare and to value her earnings; he seems to expect the home to run as before. "
            "Neither has said this openly. The disagreement comes out as criticism from him and "
            "shouting or withdrawal from her, and they now hardly talk: a role dispute at an "
            "impasse. Low mood makes her irritable and withdrawn, which feeds the rows, which "
            "lower her mood further. Strengths: a close sister, warm relationships with her "
            "children, a job she likes and a wish to make the marriage work. Focus: reopen "
            "negotiation with Daniel and practise saying clearly and calmly what she needs."
        ),
        client_text=(
            "Your depression started this spring, not long after you went back to work. Since "
            "then you and Daniel have been pulling in different directions about who does what "
            "at home and what your job means for the family. Because this hasn't been talked "
            "about openly, it comes out as criticism and rows, or as silence, and you have both "
            "got stuck. Feeling low makes it harder to speak up calmly, and the rows make you "
            "feel lower. In our sessions we will look at this disagreement: what each of you "
            "expects, what you would like to change, and new ways of saying what you need, so "
            "that you can start to sort it out together. Depression is an illness and not your "
            "fault."
        ),
    )
    # The service only takes an agreement dated on or after the day the version was written.
    focus.agree_formulation(formulation=v1, agreed_on=timezone.localdate(), by=by)
    goals = [
        (
            focus.add_goal(
                course=course,
                by=by,
                problem_area=ProblemArea.ROLE_DISPUTE,
                text="Tell Daniel what I need calmly, without it turning into a row",
            ),
            [2, 3, 5, 6, 7, 8, 8],
        ),
        (
            focus.add_goal(
                course=course,
                by=by,
                problem_area=ProblemArea.ROLE_DISPUTE,
                text="Share the housework and school runs more fairly",
            ),
            [1, 2, 4, 5, 6, 7, 8],
        ),
        (
            focus.add_goal(
                course=course,
                by=by,
                problem_area=ProblemArea.ROLE_DISPUTE,
                text="Have time together as a couple at least once a fortnight",
            ),
            [1, 1, 2, 4, 5, 7, 8],
        ),
    ]
    _signed_note(
        s[4],
        _initial(
            ["problem_area", "formulation", "contract"],
            "Shared the formulation; Rachel said it was the first time the last few months had "
            "made sense. She added that she wants Daniel to be proud of her job. Agreed three "
            "goals and rated them. Confirmed the contract: 12 more weekly sessions, a review at "
            "session 8.",
        ),
        course,
    )

    # Middle phase: sessions 5 to 12, each with homework reviewed at the next session.
    strategies = ["stage", "before", "issues", "wants", "blocks", "options"]
    plan: dict[int, tuple[dict, str, tuple[str, str] | None]] = {
        5: (
            _middle(
                interval="A flat week. Two rows with Daniel, both after late shifts.",
                events=(
                    "Her mood was lowest on the days after the rows; better on Saturday at the "
                    "park with Kemi."
                ),
                strategies=strategies[:3],
                techniques=["exploration", "affect", "clarification"],
                narrative=(
                    "Looked at the marriage before she went back to work: she ran the home, "
                    "Daniel earned, and both seemed content. Her job upset that balance without "
                    "either of them saying so. She expects help and recognition; she guesses "
                    "Daniel feels she has less time for him."
                ),
            ),
            "Each day, write down one moment with Daniel that went well or badly: what "
            "happened, what was said and how you felt.",
            None,
        ),
        6: (
            _middle(
                interval="Mood a little better; she kept the diary most days.",
                events="A row over dinner on Saturday left her low all Sunday.",
                strategies=strategies[:4],
                techniques=["exploration", "clarification", "communication_analysis", "affect"],
                ca=(
                    "Daniel: 'Pasta again?' Rachel: 'Cook it yourself, then,' and she left the "
                    "table.",
                    "She meant: I'm exhausted and I need help. She thinks he meant he misses "
                    "family meals as they used to be.",
                    "Embarrassed in front of the children, angry, then guilty.",
                    "Daniel went quiet, the children ate in silence and nobody spoke all evening.",
                    "'I'm shattered after work. Can we plan the meals for the week together, "
                    "and you cook two nights?'",
                ),
                narrative=(
                    "The diary showed most rows start when she is tired after a shift and he "
                    "comments on the house. What she wants: not to be criticised, and help with "
                    "meals and school runs."
                ),
            ),
            "Notice one time this week when you wanted to say what you need and didn't, and "
            "write down what you would have liked to say.",
            (
                "done",
                "Filled in the diary five days out of seven; most rows came after late shifts.",
            ),
        ),
        7: (
            _middle(
                interval="Kept quiet through two arguments and stewed afterwards.",
                events="Felt low and tense after each one; slept badly.",
                strategies=strategies,
                techniques=["role_play", "clarification", "decision_analysis"],
                rp=(
                    "Asking Daniel to take the school run on the two mornings she starts early.",
                    "The first time she apologised and backed down as soon as 'Daniel' "
                    "objected. The second time she stayed calm, said how tired she is and asked "
                    "for the two mornings.",
                    "Choose a calm moment (not after a late shift), start with 'I', ask for one "
                    "clear thing.",
                ),
                narrative=(
                    "Decision analysis: keep quiet, go on shouting, or ask plainly. She chose to "
                    "ask, and practised in role play."
                ),
            ),
            "Practise the school-run conversation out loud twice, then choose a calm moment to "
            "have it with Daniel.",
            ("partly", "Wrote two down; when she is upset she can't think what to say."),
        ),
        8: (
            _middle(
                interval=(
                    "She had the conversation on Sunday evening. Daniel was quiet at first, then "
                    "agreed to Mondays and Thursdays, and to talk over the week on Sundays."
                ),
                events="Tearful with relief afterwards; two better days followed.",
                strategies=strategies,
                techniques=["exploration", "affect", "clarification"],
                narrative=(
                    f"Mid-point review (PHQ-9 {phq.get(8, '')}). The dispute has moved from "
                    "impasse to renegotiation: they are talking again. Rated the goals; updated "
                    "the formulation and the inventory. Still to work on: his remarks about her "
                    "cooking and clothes, a fairer split at home and time as a couple."
                ),
            ),
            "Write a list of the jobs at home and who does each one now, to take to the Sunday "
            "talk.",
            ("done", "Had the talk with Daniel; he agreed two mornings. She cried with relief."),
        ),
        9: (
            _middle(
                interval="The Sunday talk happened; the bins and the big shop are now Daniel's.",
                events="Mood better on the days things were shared; low after a hurtful remark.",
                strategies=strategies,
                techniques=["communication_analysis", "affect", "clarification"],
                ca=(
                    "Seeing her in her uniform, Daniel said: 'Off to do the cleaning, then?'",
                    "She heard: your job doesn't count. Daniel may have meant it as a joke.",
                    "Hurt and small; she said nothing and was cold with him all day.",
                    "He didn't know anything was wrong; the evening was tense.",
                    "'That hurt. I'm proud of this job and I'd like you to be too.'",
                ),
                narrative=(
                    "Daniel was surprised by how long the list of jobs was. Explored how she "
                    "shuts down when hurt rather than saying so, and what that costs her."
                ),
            ),
            "When a remark hurts, say so at the time in one sentence, without hitting back; "
            "write down what happens.",
            (
                "done",
                "Daniel was surprised how long the list was; he took on the bins and the shop.",
            ),
        ),
        10: (
            _middle(
                interval="Said once that a remark hurt; the second time she went quiet.",
                events="Felt proud after speaking up; flat the day after keeping quiet.",
                strategies=strategies,
                techniques=["role_play", "exploration", "decision_analysis"],
                rp=(
                    "Telling Daniel that his comments about her cooking and clothes hurt, and "
                    "what she would like instead.",
                    "In role reversal Rachel played Daniel and said he might feel left behind "
                    "since she started work. That softened how she put her side.",
                    "Acknowledge his side first, then say hers; suggest eating together on her "
                    "days off.",
                ),
                narrative="Practised the conversation she has been avoiding longest.",
            ),
            "Have the conversation about the remarks, then write down what was said and how "
            "you both felt.",
            ("partly", "Managed it once; the second time she went quiet and stewed for a day."),
        ),
        11: (
            _middle(
                interval=(
                    "Daniel apologised and said he had felt 'surplus' since she went back to "
                    "work. Their first proper talk in months."
                ),
                events="A good week: more energy, slept better, back to church on Sunday.",
                strategies=strategies,
                techniques=["exploration", "clarification", "therapeutic_relationship"],
                narrative=(
                    "She apologised twice for 'going on'. We noticed she does the same with "
                    "Daniel, dropping what she needs as soon as she might be a nuisance. She "
                    "wants to keep this in mind."
                ),
            ),
            "Plan an evening out with Daniel and ask Grace to have the children.",
            ("done", "Daniel apologised; he had felt 'surplus' since she started work."),
        ),
        12: (
            _middle(
                interval="Went out for a curry with Daniel; they talked about more than the house.",
                events="Mood steady; a disagreement about money did not spoil the week.",
                strategies=strategies,
                techniques=["communication_analysis", "clarification", "exploration"],
                ca=(
                    "The car needed a repair. Daniel: 'Well, that's your wages gone.' Rachel: "
                    "'It's our money, and we need the car for both our jobs.'",
                    "She meant: my earnings are part of the family's, not pocket money.",
                    "Irritated but steady.",
                    "Daniel said 'fair enough'; they agreed to pay for it from the joint account.",
                    "Nothing much; she would like to ask for a proper talk about money.",
                ),
                narrative=(
                    "She handled a disagreement calmly, which she couldn't have done in the "
                    "spring. Started to look ahead to the ending sessions."
                ),
            ),
            "Write down what has helped most so far, to bring to the ending sessions.",
            ("done", "Went out for a curry; they talked about more than the house for once."),
        ),
    }

    def at_session(number: int) -> None:
        if number != 8:
            return
        # The mid-point: the dispute is renegotiated, the inventory and formulation updated.
        focus.change_dispute_stage(
            focus_area=area,
            stage=DisputeStage.RENEGOTIATION,
            changed_on=s.day(8),
            by=by,
            note="Talking again: Daniel agreed two school runs a week and a weekly talk.",
        )
        record.update_person(entry=people["Lou"], by=by, ring=2, expectations_met="yes")
        record.update_person(entry=people["Daniel"], by=by, expectations_met="partly")
        record.take_snapshot(course=course, occasion="mid_point", by=by, taken_on=s.day(8))
        notes.save_midpoint_review(
            course=course,
            by=by,
            goals_progress=(
                "All three goals are moving: she told Daniel calmly what she needed and he "
                "agreed; the school runs are shared on two days; no couple time yet."
            ),
            problem_area_progress=(
                "The dispute has moved from impasse to renegotiation. Still to work on: his remarks "
                "about her cooking and clothes, the split of housework, time together."
            ),
            inventory_changes=(
                "Lou has moved closer: they met for coffee twice. Daniel stays in the middle ring, "
                "though expectations are now partly met."
            ),
            plan_for_remaining_sessions=(
                "Four more middle sessions on the remarks and the housework, with role play; then "
                "four ending sessions."
            ),
        )
        v2 = focus.write_formulation(
            course=course,
            by=by,
            clinician_text=(
                f"{v1.clinician_text} Update at the mid-point (PHQ-9 {phq.get(8, '')}): after "
                "role-playing the conversation, Rachel asked Daniel for help with the school runs "
                "and he agreed; they now talk on Sunday evenings. The dispute has moved from impasse "
                "to renegotiation. Remaining work: his remarks about her cooking and appearance, a "
                "fairer split of the housework, and time as a couple; and her habit of going quiet "
                "when hurt."
            ),
            client_text=(
                "Your depression started this spring, not long after you went back to work, when "
                "you and Daniel got stuck pulling in different directions about who does what at "
                "home. In the last few weeks you have started to get unstuck: you practised "
                "asking for what you need, you asked Daniel calmly, and he listened and agreed to "
                "share the school runs. You now talk together on Sunday evenings. For the rest of "
                "our sessions we will work on the remarks that still hurt, sharing the jobs at "
                "home more fairly, and finding time for the two of you. As before: depression is "
                "an illness and not your fault."
            ),
        )
        focus.agree_formulation(formulation=v2, agreed_on=timezone.localdate(), by=by)

    written, last_homework = _middle_phase(
        course,
        s,
        area,
        plan,
        {5: strategies[:3], 6: strategies[:4], 7: strategies},
        at_session,
    )
    notes.add_addendum(
        note=written[8],
        by=by,
        text=(
            "Added after the session: we reviewed medication at the mid-point as planned. Her "
            "scores are falling and Rachel and I agreed it is not needed; her GP will be told "
            "in the ending letter."
        ),
    )

    # Ending phase: sessions 13 to 16.
    notes.review_homework(
        task=last_homework,
        at=s[13],
        outcome="done",
        reflection=(
            "Wrote a list: the role plays, saying 'that hurt' at the time, and the Sunday talks."
        ),
        by=by,
    )
    _signed_note(
        s[13],
        _ending(
            "Began the ending phase. Rachel brought her list of what has helped.",
            ending_discussed="Four sessions left; she is a little anxious about managing alone.",
            gains_reviewed=(
                "Talking with Daniel again, shared school runs, back to church and seeing Lou."
            ),
        ),
        course,
    )
    _signed_note(
        s[14],
        _ending(
            "A weekend away with Daniel for their anniversary went well. Looked at what she "
            "will keep doing after the sessions end.",
            gains_reviewed="Goals rated 7 to 8; mood much better; sleeping through most nights.",
            feelings_about_ending="Sad to stop; proud of what she has done.",
            relapse_prevention="Started the plan: her early warning signs.",
        ),
        course,
    )
    _signed_note(
        s[15],
        _ending(
            "Finished the relapse-prevention plan together. She has been offered a senior care "
            "assistant post and talked it through with Daniel first.",
            relapse_prevention="Plan written with her; she took a copy home.",
            maintenance_discussed="Keep the Sunday talks going; a couple evening each fortnight.",
        ),
        course,
    )
    record.update_person(entry=people["Daniel"], by=by, ring=1, expectations_met="yes")
    record.update_person(entry=people["Bev"], by=by, ring=2, gives_practical_support=True)
    record.take_snapshot(course=course, occasion="end", by=by, taken_on=s.day(16))
    _rate(course, s, goals)
    for goal, _scores in goals:
        focus.close_goal(goal=goal, status=GoalStatus.ACHIEVED, by=by, on=s.day(16))
    _signed_note(
        s[16],
        _ending(
            f"Last session (PHQ-9 {phq.get(16, '')}). Went through the ending summary together. "
            "Rachel said she feels like herself again. Discharged to her GP with the plan.",
            ending_discussed="Final session.",
            gains_reviewed="All three goals achieved; the dispute is being renegotiated well.",
            feelings_about_ending="Nervous but ready; grateful.",
            maintenance_discussed="No boosters needed; she can refer herself again if needed.",
        ),
        course,
    )
    notes.save_relapse_prevention_plan(
        course=course,
        by=by,
        early_warning_signs=(
            "Lying awake going over arguments; snacking late at night; snapping at the "
            "children; going quiet with Daniel instead of saying what is wrong; skipping church "
            "and not answering Lou."
        ),
        what_helps=(
            "Saying what she needs early and calmly, starting with 'I'; the Sunday talk with "
            "Daniel; asking for help before she is exhausted; coffee with Lou; time with Grace."
        ),
        who_to_contact="Grace (sister); Daniel; her GP at Riverside Medical Practice.",
        crisis_contacts=(
            "NHS 111, option 2 (mental health, 24 hours); Samaritans 116 123; 999 or A&E in an "
            "emergency."
        ),
    )
    notes.save_ending_summary(
        course=course,
        by=by,
        presenting_difficulties=(
            "A first, moderate depressive episode starting in the spring after she returned to "
            "paid work: low mood, poor sleep, comfort eating, irritability and withdrawal, "
            "with constant conflict with her husband about roles at home."
        ),
        problem_area_and_focus=(
            "Role dispute with her husband, staged at impasse at the start and at "
            "renegotiation from the mid-point."
        ),
        gains=(
            "Says what she needs calmly and at the time; housework and school runs are shared; "
            "time as a couple again; back in touch with friends and church; has taken a senior "
            "post at work."
        ),
        measures_at_start=f"PHQ-9 {phq.get(1, '')} at session 1.",
        measures_at_end=_measures_at_end(course, phq),
        recommendations="No further treatment needed now; may refer herself again.",
        maintenance_plan=(
            "Keep the weekly talk with Daniel and a couple evening each fortnight; use the "
            "relapse-prevention plan if early warning signs return."
        ),
    )


# Geoffrey: grief after his wife's death --------------------------------------------------------


def _geoffrey(course: Course) -> None:
    by = course.therapist
    s = _sessions(course)
    phq = _phq9(course)
    referred = course.referral.received_on
    died = referred - dt.timedelta(days=152)  # about five months before he referred himself

    record.update_assessment(
        course=course,
        by=by,
        symptom_review=(
            f"Low every day since his wife Maggie died in {_month_name(died)}. Wakes around "
            "four and lies going over her last months. Appetite poor; has lost weight. Tearful, "
            "worst in the evenings and at weekends, when they used to go out together. Has "
            "stopped tennis, cycling and seeing friends and stays at home most days. Guilty that "
            "he did not notice sooner how ill she was and did not do more at the end. No earlier "
            "episodes."
        ),
        diagnosis=(
            "Depressive episode, moderate, following the death of his wife: grief that has not "
            "moved on after five months, with guilt and withdrawal."
        ),
        icd10_code="F32.1",
        sick_role_discussed=True,
        sick_role_discussed_on=s.day(1),
        psychoeducation_given=True,
        medication_considered=True,
        medication_notes=(
            "Tried an antidepressant from his GP in the winter and stopped after two weeks "
            "because of nausea. Does not want to restart for now; to review with his GP at the "
            "mid-point if he is no better."
        ),
        risk_narrative=(
            "At session 1 he answered question 9 of the PHQ-9 with 'several days'. Explored: "
            "passing thoughts late at night that he would not mind not waking up; no wish to act "
            "on them, no plans, no past attempts. Protective: his children and grandchildren and "
            "not wanting to put Helen through another loss. Lives alone; Maggie's medicines "
            "went back to the pharmacy. Asked at each session; the thoughts had gone by "
            "session 4."
        ),
        safety_plan=(
            "If the night-time thoughts return or get stronger: get up, make tea, put the radio "
            "on; ring Helen (daughter) or Alan (friend). Professionals: his GP at Week Street "
            "Health Centre; NHS 111 option 2 (24 hours); Samaritans 116 123; 999 in an "
            "emergency. Shared with Helen with his agreement."
        ),
    )

    people = {
        "Maggie": record.add_person(
            course=course,
            by=by,
            name="Maggie",
            relationship="partner",
            relationship_detail=f"Wife of 41 years; died {_month_name(died)}",
            ring=1,
            contact="Talks to her photograph most days; visits the bench dedicated to her.",
            good_aspects=(
                "His best friend. Shared tennis, walking holidays and the garden; she was the "
                "one who organised their social life."
            ),
            difficult_aspects=(
                "In her last year she was often in pain and frustrated; they argued when she "
                "decided to stop treatment."
            ),
            client_expectations="That he would look after her and keep her well.",
            expectations_met="partly",
            change_around_onset="Her death; his low mood started in the weeks after.",
            suggested_area=ProblemArea.GRIEF,
        ),
        "Helen": record.add_person(
            course=course,
            by=by,
            name="Helen",
            relationship="child",
            relationship_detail="Daughter; lives twenty minutes away",
            ring=1,
            contact="Visits twice a week and phones every day.",
            good_aspects="Close and practical; she persuaded him to ask for help.",
            difficult_aspects="He does not want to be a burden, so hides how low he is.",
            other_expectations="That he tells her how he really is.",
            expectations_met="partly",
            would_like_to_change="Be more open with her.",
            gives_practical_support=True,
            is_confidant=True,
        ),
        "Robert": record.add_person(
            course=course,
            by=by,
            name="Robert",
            relationship="child",
            relationship_detail="Son; lives in Edinburgh",
            ring=2,
            contact="Phone at weekends; visits a few times a year.",
            good_aspects="Easy company; they share a love of cycling.",
            difficult_aspects="They talk about practical things and never about his mum.",
            expectations_met="partly",
            would_like_to_change="Talk about Maggie together.",
        ),
        "Jan": record.add_person(
            course=course,
            by=by,
            name="Jan",
            relationship="neighbour",
            relationship_detail="Next-door neighbour",
            ring=2,
            contact="Chats over the fence most days.",
            good_aspects="Kind; brought meals for weeks after the funeral.",
            expectations_met="yes",
            gives_practical_support=True,
        ),
        "Alan": record.add_person(
            course=course,
            by=by,
            name="Alan",
            relationship="friend",
            relationship_detail="Oldest friend; a former colleague",
            ring=2,
            contact="Used to meet for a pint each week; Geoffrey has turned him down lately.",
            good_aspects="Known each other 40 years; knew Maggie well.",
            difficult_aspects="Geoffrey feels he has let him down by not returning calls.",
            expectations_met="partly",
            would_like_to_change="Meet up again.",
            change_around_onset="Contact dropped to the odd text after the funeral.",
        ),
        "Pete": record.add_person(
            course=course,
            by=by,
            name="Pete",
            relationship="friend",
            relationship_detail="Doubles partner at the tennis club",
            ring=3,
            contact="Played every Tuesday for ten years; not since Maggie became very ill.",
            good_aspects="Competitive, good-humoured; a friendship built on court.",
            difficult_aspects="Geoffrey dreads the kindness of people at the club.",
            expectations_met="unknown",
            would_like_to_change="Get back on court with him.",
            change_around_onset="Stopped playing during Maggie's last year.",
        ),
        "Dave": record.add_person(
            course=course,
            by=by,
            name="Dave",
            relationship="friend",
            relationship_detail="Runs the cycling club's Sunday rides",
            ring=3,
            contact="Messages now and then inviting him back on the Sunday ride.",
            good_aspects="Steady and unfussy; never asks too many questions.",
            expectations_met="unknown",
            would_like_to_change="Join the Sunday rides again.",
            change_around_onset="Gave up the rides to care for Maggie.",
        ),
    }

    record.add_event(
        course=course,
        by=by,
        occurred_on=_months_before(died, 26),
        precision="month",
        kind="illness",
        description="Maggie was diagnosed with ovarian cancer; surgery and chemotherapy followed.",
        people=[people["Maggie"]],
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=_months_before(died, 11),
        precision="month",
        kind="illness",
        description=(
            "The cancer came back. Geoffrey gave up tennis and the Sunday rides to care for "
            "her full time."
        ),
        people=[people["Maggie"], people["Pete"], people["Dave"]],
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=_months_before(died, 2),
        precision="month",
        kind="illness",
        description="Maggie chose to stop treatment; cared for at home with hospice nurses.",
        people=[people["Maggie"], people["Helen"]],
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=died,
        kind="death",
        description="Maggie died at home, with Geoffrey and Helen beside her.",
        people=[people["Maggie"], people["Helen"], people["Robert"]],
        linked_to_onset=True,
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=died + dt.timedelta(days=16),
        kind="other",
        description="Maggie's funeral. Geoffrey remembers little of it.",
        people=[people["Helen"], people["Robert"], people["Alan"]],
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=s.day(9) - dt.timedelta(days=2),
        kind="other",
        description="Scattered Maggie's ashes on the Downs with Helen and Robert.",
        people=[people["Helen"], people["Robert"]],
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=s.day(10) - dt.timedelta(days=6),
        kind="other",
        description="Back on court with the Tuesday doubles group for the first time.",
        people=[people["Pete"]],
    )
    record.add_event(
        course=course,
        by=by,
        occurred_on=s.day(12) - dt.timedelta(days=1),
        kind="other",
        description="First Sunday ride with the cycling club in over a year.",
        people=[people["Dave"]],
    )
    record.add_episode(
        course=course,
        by=by,
        started_on=died + dt.timedelta(weeks=3),
        ended_on=s.day(15),
        description=(
            "Low mood, early waking, poor appetite, guilt and withdrawal from friends and "
            "sport after Maggie's death."
        ),
    )

    # Initial phase.
    _signed_note(
        s[1],
        _initial(
            ["diagnosis", "medication", "psychoeducation", "sick_role"],
            f"First session by video. PHQ-9 {phq.get(1, '')}, with 'several days' on question "
            "9: talked it through (see the risk assessment) and agreed a safety plan with "
            "Helen as a contact. His symptoms fit a moderate depression after bereavement. "
            "Explained IPT and that depression is an illness, not a failing; agreed he need not "
            "push himself to go out yet, while keeping up his daily walk.",
        ),
        course,
    )
    _signed_note(
        s[2],
        _initial(
            ["inventory", "onset"],
            "Began the inventory. Talked at length about Maggie. Since she died he has let "
            "almost every friendship lapse; Helen is his main contact.",
        ),
        course,
    )
    area = focus.set_problem_area(
        course=course,
        rank="primary",
        area=ProblemArea.GRIEF,
        by=by,
        details={
            "deceased": "Margaret (Maggie) Hartley, his wife",
            "inventory_person": "Maggie",
            "died_on": died,
        },
    )
    _signed_note(
        s[3],
        _initial(
            ["inventory", "onset", "problem_area"],
            "Finished the inventory with his tennis and cycling friends, and drew the timeline: "
            "his depression began in the weeks after Maggie died. Agreed a grief focus.",
        ),
        course,
    )
    record.take_snapshot(course=course, occasion="assessment", by=by, taken_on=s.day(3))
    formulation = focus.write_formulation(
        course=course,
        by=by,
        clinician_text=(
            f"Geoffrey is 68 and has a moderate depressive episode (PHQ-9 {phq.get(1, '')} at "
            f"session 1) that began soon after his wife Maggie died in {_month_name(died)}, "
            "after two years of illness in which he became her full-time carer. His grief has "
            "not moved on: he feels guilty that he did not do more, avoids reminders of the end "
            "of her life, and has withdrawn from the tennis club, the cycling club and his "
            "friends, many of which Maggie used to organise. The isolation deepens his low mood. "
            "Strengths: a close daughter, old friendships that are still there to return to, "
            "and interests he loved. Focus: grief, to help the mourning along, look at the "
            "relationship with Maggie as it really was, and rebuild his social life."
        ),
        client_text=(
            "Your depression began in the weeks after Maggie died. Caring for her took up your "
            "life for two years, and since she died you have been carrying a lot of guilt and "
            "have stepped back from tennis, cycling and your friends. Being on your own so much "
            "keeps your mood low. In our sessions we will talk about Maggie and your life "
            "together, the good times and the hard ones, and about her illness and death, and "
            "we will work on getting back to the people and the things you enjoy."
        ),
    )
    focus.agree_formulation(formulation=formulation, agreed_on=timezone.localdate(), by=by)
    goals = [
        (
            focus.add_goal(
                course=course,
                by=by,
                problem_area=ProblemArea.GRIEF,
                text="Play tennis with the Tuesday doubles group again",
            ),
            [1, 1, 2, 5, 6, 7, 8],
        ),
        (
            focus.add_goal(
                course=course,
                by=by,
                problem_area=ProblemArea.GRIEF,
                text="Ride with the cycling club on Sundays at least twice a month",
            ),
            [0, 1, 1, 2, 5, 6, 7],
        ),
        (
            focus.add_goal(
                course=course,
                by=by,
                problem_area=ProblemArea.GRIEF,
                text="See friends or family at least three times a week",
            ),
            [2, 3, 4, 5, 6, 7, 8],
        ),
    ]
    _signed_note(
        s[4],
        _initial(
            ["problem_area", "formulation", "contract"],
            "Shared the formulation, which Geoffrey agreed with, adding that he had 'stopped "
            "living' when Maggie died. Set three goals and rated them. No thoughts of not "
            "wanting to wake up this week. Contract confirmed: review at session 8.",
        ),
        course,
    )

    strategies = [
        "review_symptoms",
        "link_onset",
        "events_around",
        "reconstruct",
        "feelings",
        "new_direction",
    ]
    ticked = {n: strategies[:count] for n, count in GRIEF_STRATEGIES_MARKED.items()}
    current = strategies[:3]
    plan: dict[int, tuple[dict, str, tuple[str, str] | None]] = {}
    middle = {
        5: (
            "Slept a little better; a hard Sunday, their usual day out.",
            "Lowest at weekends and in the evenings, when Maggie's absence is sharpest.",
            ["exploration", "affect"],
            "Went through the months before Maggie died, the day itself and the weeks after, "
            "in detail for the first time. Very tearful; said afterwards it was a relief.",
            None,
            None,
            "Look through the photo albums of your holidays with Maggie and bring two photos "
            "next week.",
            None,
        ),
        6: (
            "Found the albums hard to open, then spent an evening with them.",
            "Low for a day afterwards, then lighter.",
            ["exploration", "affect", "clarification"],
            "Talked about the photos: their walking holidays, her laugh, her organising. Also "
            "the harder side: her sharp temper when in pain and how alone he felt as a carer.",
            None,
            None,
            "Write down the things you feel guilty about and, next to each, what you knew at "
            "the time.",
            ("done", "Brought photos from the Lake District and Cornwall; glad he looked."),
        ),
        7: (
            "Wrote the list; it took three evenings.",
            "Guilt strongest at night; mood a little better in the daytime.",
            ["affect", "clarification", "communication_analysis"],
            "Went through the guilt list: most things he could not have known then. He spoke "
            "for the first time about his anger that she stopped treatment.",
            (
                "Helen asked how he was; Geoffrey said, 'Fine, love, don't worry about me.'",
                "He meant: I don't want to be a burden to you.",
                "Lonely and tired; relieved when she changed the subject.",
                "Helen went home worried and rang twice that evening.",
                "'Not great this week. Can you stay for a cup of tea?'",
            ),
            None,
            "Tell Helen one honest thing about how you have been feeling.",
            ("done", "Found most of it was hindsight; the anger surprised him."),
        ),
        8: (
            "Told Helen he had been struggling; she stayed for supper and they talked about "
            "her mum.",
            "The best evening he has had in months.",
            ["exploration", "clarification"],
            f"Mid-point review (PHQ-9 {phq.get(8, '')}). Mourning is moving: he can talk about "
            "Maggie and the end of her life without shutting down. Re-engaging has hardly "
            "begun; that is the focus for the rest of the middle phase.",
            None,
            None,
            "Ring Pete about the Tuesday doubles.",
            ("done", "Told Helen; she stayed for supper and they talked about Maggie."),
        ),
        9: (
            "Rang Pete, who was delighted. Scattered Maggie's ashes with Helen and Robert.",
            "Sad, but said it felt right; mood steadier.",
            ["role_play", "affect", "decision_analysis"],
            "Looked at what stops him going back to the club: people asking about Maggie. "
            "Practised in role play.",
            None,
            (
                "Walking into the clubhouse for the first time since Maggie died, when people "
                "ask how he is.",
                "At first he froze and said he would leave early. On the second try he gave a "
                "short answer and asked about the other person's game.",
                "Have a short answer ready: 'It's been hard, but it's good to be back.'",
            ),
            "Go to the Tuesday doubles; afterwards, write down how it felt.",
            ("done", "Pete was delighted and has pencilled him in for Tuesday."),
        ),
        10: (
            "Played on Tuesday. Enjoyed it, then felt guilty for enjoying it.",
            "A good day after tennis, then a low evening.",
            ["affect", "clarification", "exploration"],
            "Explored the guilt about enjoying himself without Maggie. He said she would have "
            "told him off for sitting at home.",
            None,
            None,
            "Join the club's Sunday ride (the short route).",
            ("done", "Played two sets; people were kind and it was easier than he feared."),
        ),
        11: (
            "Went to the Sunday ride's café stop by car and met the group.",
            "Pleased; felt part of something again.",
            ["communication_analysis", "exploration", "affect"],
            "Robert rang; for the first time they talked about his mum.",
            (
                "Robert: 'Do you still have Mum's bike?' Geoffrey: 'Yes. I can't bring myself "
                "to move it.'",
                "He meant: I miss her, and I'm struggling.",
                "Sad, and close to Robert.",
                "Robert talked about missing her too; they spoke for an hour.",
                "Nothing: he would like more calls like it.",
            ),
            None,
            "Arrange to see Alan for lunch.",
            ("partly", "Went to the café stop by car rather than riding; met the group."),
        ),
        12: (
            "Lunch with Alan; rode the short route on Sunday.",
            "Much better: more energy, sleeping until six.",
            ["exploration", "clarification"],
            "Reviewed how far he has come since the spring; started to think about the end of "
            "therapy.",
            None,
            None,
            "Write down what has helped most, to bring to the ending sessions.",
            ("done", "Lunch with Alan; they laughed about old department stories."),
        ),
    }
    for number, row in middle.items():
        interval, events, techniques, narrative, ca, rp, homework, review = row
        current = ticked.get(number, current)
        plan[number] = (
            _middle(
                interval=interval,
                events=events,
                strategies=current,
                techniques=techniques,
                narrative=narrative,
                ca=ca,
                rp=rp,
            ),
            homework,
            review,
        )

    def at_session(number: int) -> None:
        if number != 8:
            return
        record.update_person(entry=people["Pete"], by=by, ring=2, expectations_met="yes")
        record.update_person(entry=people["Helen"], by=by, expectations_met="yes")
        record.take_snapshot(course=course, occasion="mid_point", by=by, taken_on=s.day(8))
        notes.save_midpoint_review(
            course=course,
            by=by,
            goals_progress=(
                "Seeing people more often (Helen, Jan); tennis and cycling not started yet."
            ),
            problem_area_progress=(
                "He can talk about Maggie and her death; the guilt is easing and he has "
                "begun to voice his anger. Rebuilding his social life is next."
            ),
            inventory_changes="Pete has moved closer after a phone call; more open with Helen.",
            plan_for_remaining_sessions=(
                "Return to the tennis and cycling clubs and to Alan, using role play for "
                "the first visit to the club; then four ending sessions."
            ),
        )

    _, previous = _middle_phase(course, s, area, plan, ticked, at_session)

    # Ending phase, then boosters.
    notes.review_homework(
        task=previous,
        at=s[13],
        outcome="done",
        reflection="Talking about Maggie, getting back on court, and Helen knowing how he is.",
        by=by,
    )
    _signed_note(
        s[13],
        _ending(
            "Started the ending phase; Geoffrey worried about losing a weekly place to talk.",
            ending_discussed="Four sessions left; then boosters every two months, as he asked.",
            gains_reviewed="Tennis every Tuesday, riding most Sundays, lunch with Alan.",
            feelings_about_ending="Worried that ending will feel like another loss.",
        ),
        course,
    )
    _signed_note(
        s[14],
        _ending(
            "Talked about ending as a loss that, unlike Maggie's death, he can prepare for.",
            feelings_about_ending="Sad, but it feels different from before: planned and shared.",
            relapse_prevention="Listed his early warning signs and the hard dates ahead.",
        ),
        course,
    )
    _signed_note(
        s[15],
        _ending(
            "Finished the relapse-prevention plan, including the first anniversary of "
            "Maggie's death.",
            relapse_prevention="Plan written together; Helen will have a copy.",
            maintenance_discussed="Boosters every two months by video.",
        ),
        course,
    )
    record.update_person(entry=people["Dave"], by=by, ring=2, expectations_met="yes")
    record.update_person(entry=people["Alan"], by=by, ring=1, expectations_met="yes")
    record.update_person(entry=people["Robert"], by=by, ring=1, expectations_met="yes")
    record.take_snapshot(course=course, occasion="end", by=by, taken_on=s.day(16))
    _rate(course, s, goals)
    for goal, _scores in goals[::2]:
        focus.close_goal(goal=goal, status=GoalStatus.ACHIEVED, by=by, on=s.day(16))
    _signed_note(
        s[16],
        _ending(
            f"Last weekly session (PHQ-9 {phq.get(16, '')}). Went through the ending summary.",
            ending_discussed="Final weekly session; first booster booked.",
            gains_reviewed="Goals rated 7 to 8; sleeping, eating and seeing people again.",
            feelings_about_ending="Sad and grateful; 'ready to try on my own'.",
            maintenance_discussed="Boosters every two months; the cycling goal stays open.",
        ),
        course,
    )
    notes.save_relapse_prevention_plan(
        course=course,
        by=by,
        early_warning_signs=(
            "Waking early and lying in bed going over Maggie's last months; skipping meals; "
            "making excuses to miss tennis or the Sunday ride; telling Helen he is 'fine'."
        ),
        what_helps=(
            "Getting up rather than lying awake; tennis on Tuesdays and the Sunday ride; "
            "talking about Maggie with Helen and Robert; lunch with Alan. Planning ahead for "
            "hard dates: her birthday, their anniversary and the anniversary of her death."
        ),
        who_to_contact="Helen (daughter); Alan (friend); his GP at Week Street Health Centre.",
        crisis_contacts=(
            "NHS 111, option 2 (mental health, 24 hours); Samaritans 116 123; 999 in an emergency."
        ),
    )
    notes.save_ending_summary(
        course=course,
        by=by,
        presenting_difficulties=(
            "Moderate depression after the death of his wife five months earlier, following a "
            "long illness: early waking, weight loss, guilt, tearfulness and withdrawal from "
            "friends, tennis and cycling. Passive thoughts of not waking up at the start, "
            "without plans; gone by session 4."
        ),
        problem_area_and_focus="Grief after the death of his wife, Maggie.",
        gains=(
            "Can talk about Maggie and her death, with less guilt; back playing tennis weekly "
            "and riding with the club; in regular touch with Alan, Helen and Robert."
        ),
        measures_at_start=f"PHQ-9 {phq.get(1, '')} at session 1.",
        measures_at_end=_measures_at_end(course, phq),
        recommendations="Boosters every two months; GP to review if mood drops around the "
        "anniversary of Maggie's death.",
        maintenance_plan=(
            "Booster sessions by video every two months; keep up tennis, the Sunday ride and "
            "lunch with Alan; the relapse-prevention plan, shared with Helen."
        ),
    )
    booster = s.boosters.get(1)
    if booster is not None:
        day = timezone.localtime(booster.starts_at).date()
        cycling = goals[1][0]
        focus.record_goal_ratings(
            course=course, scores={cycling: 8}, rated_on=day, by=by, appointment=booster
        )
        focus.close_goal(goal=cycling, status=GoalStatus.ACHIEVED, by=by, on=day)
        _signed_note(
            booster,
            _ending(
                "First booster, by video. Mood has held. "
                + (
                    "He found the first anniversary of Maggie's death hard, but spent it with "
                    "Helen and Robert as planned."
                    if died.replace(year=died.year + 1) <= day
                    else "He and the children have planned how to spend the first anniversary "
                    "of Maggie's death."
                ),
                gains_reviewed="Riding with the club every Sunday now; cycling goal achieved.",
                relapse_prevention="Went through his plan; no early warning signs.",
                maintenance_discussed="Next booster in two months.",
            ),
            course,
        )


__all__ = ["add"]
