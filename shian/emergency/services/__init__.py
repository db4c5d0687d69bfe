"""Writes of emergency (docs/emergency.md): incidents (incidents.py), public opinion (opinions.py), plans,
trainings and drills (plans.py); each checks the actor's role and jurisdiction and records an audit entry."""
