"""The 🤗 Trainer as the chapters show it: a progress bar while it runs, a plot afterwards."""
from __future__ import annotations


def _step_bar_callback():
    from tqdm.auto import tqdm
    from transformers import TrainerCallback

    class StepBar(TrainerCallback):
        """A progress bar over optimisation steps with the latest training loss, and nothing printed."""

        def on_train_begin(self, args, state, control, **kwargs):
            self.bar = tqdm(total=state.max_steps, desc="training", unit="step") if state.is_world_process_zero else None

        def on_step_end(self, args, state, control, **kwargs):
            if self.bar is not None:
                self.bar.update(state.global_step - self.bar.n)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if self.bar is not None and logs and "loss" in logs:
                self.bar.set_postfix(loss=f"{logs['loss']:.3f}")

        def on_train_end(self, args, state, control, **kwargs):
            if self.bar is not None:
                self.bar.close()

    return StepBar()


def quiet(trainer):
    """Swap the Trainer's printed log dicts and tables for one progress bar; chapters plot `state.log_history` (ch. 02).

    Returns the trainer, so `trainer = quiet(Trainer(...))` reads as one step.
    """
    from transformers import PrinterCallback, ProgressCallback
    from transformers.utils.notebook import NotebookProgressCallback

    for printer in (PrinterCallback, ProgressCallback, NotebookProgressCallback):
        trainer.remove_callback(printer)
    trainer.add_callback(_step_bar_callback())
    return trainer


def log_history(trainer):
    """The trainer's log as two tables: training loss by step, and evaluation metrics by step (ch. 02)."""
    import pandas as pd

    history = pd.DataFrame(trainer.state.log_history)
    train = history.dropna(subset=["loss"]) if "loss" in history else history.iloc[:0]
    evals = history.dropna(subset=["eval_loss"]) if "eval_loss" in history else history.iloc[:0]
    return train.reset_index(drop=True), evals.reset_index(drop=True)
