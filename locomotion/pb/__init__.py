"""Pieces of the pybullet backend: scene building, the A1 robot, leg kinematics, the gait
controller, fall recovery, the robot's senses and the simulation loop that ties them together.

Nothing here is imported unless :mod:`locomotion.pybullet_backend` is, so parsing a mission never
loads pybullet.
"""

__all__: list[str] = []
