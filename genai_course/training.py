"""The 🤗 Trainer as the chapters show it: a progress bar while it runs, a plot afterwards."""

from __future__ import annotations


def _step_bar_callback():
    from tqdm.auto import tqdm
    from transformers import TrainerCallback

    class StepBar(TrainerCallback):
        """A progress bar over optimisation steps with the latest training loss; nothing printed."""

        bar = None  # until training begins: `evaluate()` before `train()` logs too

        def on_train_begin(self, args, state, control, **kwargs):
            self.bar = (
                tqdm(total=state.max_steps, desc="training", unit="step")
                if state.is_world_process_zero
                else None
            )

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
    """Swap the Trainer's printed log dicts and tables for one progress bar (ch. 02).

    Chapters plot `state.log_history` instead. Returns the trainer, so
    `trainer = quiet(Trainer(...))` reads as one step.
    """
    from transformers import PrinterCallback, ProgressCallback
    from transformers.utils.notebook import NotebookProgressCallback

    for printer in (PrinterCallback, ProgressCallback, NotebookProgressCallback):
        trainer.remove_callback(printer)
    trainer.add_callback(_step_bar_callback())
    return trainer


def log_history(trainer):
    """The trainer's log as two tables: training loss and evaluation metrics, by step (ch. 02)."""
    import pandas as pd

    history = pd.DataFrame(trainer.state.log_history)

    def rows_with(column):
        # A run shorter than `logging_steps` logs no loss: an empty table, with the column to plot.
        if column not in history:
            return pd.DataFrame(columns=["step", "epoch", column])
        return history.dropna(subset=[column]).reset_index(drop=True)

    return rows_with("loss"), rows_with("eval_loss")
