package dev.dialectic.canary;

import dev.dialectic.schema.Control;
import java.time.Instant;
import java.util.Objects;

/**
 * One live setting as a {@code Control} record carries it, immutable.
 *
 * @param name the setting, also the record's key (see {@link ControlSettings})
 * @param value its value, as text
 * @param updatedAt when it was set
 * @param updatedBy who or what set it: a user, {@value ControlSettings#AUTO_ROLLBACK},
 *     {@value ControlSettings#AUTO_RAMP}
 * @param reason why it was set, if anyone said
 */
public record Setting(String name, String value, Instant updatedAt, String updatedBy, String reason) {

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The setting a control record carries. */
    public static Setting of(Control control) {
        return new Setting(control.getName(), control.getValue(), control.getUpdatedAt(), control.getUpdatedBy(),
                control.getReason());
    }

    /** This setting as a control record. */
    public Control toControl() {
        return Control.newBuilder().setName(name).setValue(value).setUpdatedAt(updatedAt).setUpdatedBy(updatedBy)
                .setReason(reason).build();
    }

    /** One line for people: {@code canary.percent=25 by alice at ...: reason}. */
    public String describe() {
        return name + "=" + (value.isEmpty() ? "(off)" : value) + " by " + (updatedBy == null ? "unknown" : updatedBy)
                + " at " + updatedAt + (reason == null || reason.isBlank() ? "" : ": " + reason);
    }
}
